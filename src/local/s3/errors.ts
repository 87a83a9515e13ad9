import type { RequestIds } from './request-ids.js';

/** HTTP status of every S3 error code this layer raises itself (as documented by S3). */
const STATUS_BY_CODE: Record<string, number> = {
  AccessDenied: 403,
  AuthorizationHeaderMalformed: 400,
  AuthorizationQueryParametersError: 400,
  BadDigest: 400,
  BadRequest: 400,
  CORSResponse: 403,
  EntityTooLarge: 400,
  IncompleteBody: 400,
  InternalError: 500,
  InvalidAccessKeyId: 403,
  InvalidArgument: 400,
  InvalidBucketName: 400,
  InvalidDigest: 400,
  InvalidRange: 416,
  InvalidRequest: 400,
  NotImplemented: 501,
  RequestTimeTooSkewed: 403,
  SignatureDoesNotMatch: 403,
  XAmzContentSHA256Mismatch: 400,
};

/** An error S3 would answer with; `details` become extra XML elements, as in real S3 errors. */
export class S3Error extends Error {
  readonly status: number;

  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, string> = {},
    status?: number,
  ) {
    super(message);
    this.name = 'S3Error';
    this.status = status ?? STATUS_BY_CODE[code] ?? 500;
  }
}

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function element(name: string, value: string): string {
  return `<${name}>${escapeXml(value)}</${name}>`;
}

export function renderErrorXml(error: S3Error, ids: RequestIds): string {
  const details = Object.entries(error.details).map(([name, value]) => element(name, value));
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error>' +
    element('Code', error.code) +
    element('Message', error.message) +
    details.join('') +
    element('RequestId', ids.requestId) +
    element('HostId', ids.hostId) +
    '</Error>'
  );
}

/** Adds RequestId/HostId to an error document produced by s3rver (which omits them). */
export function addRequestIdsToErrorXml(xml: string, ids: RequestIds): string | undefined {
  if (!xml.includes('</Error>')) return undefined;
  const withoutOldIds = xml.replace(/<RequestId>[^<]*<\/RequestId>|<HostId>[^<]*<\/HostId>/g, '');
  return withoutOldIds.replace('</Error>', element('RequestId', ids.requestId) + element('HostId', ids.hostId) + '</Error>');
}

export function toS3Error(error: unknown): S3Error {
  if (error instanceof S3Error) return error;
  return new S3Error('InternalError', 'We encountered an internal error. Please try again.');
}
