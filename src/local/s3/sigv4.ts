// Over 300 lines: SigV4 for S3 in its two forms (presigned query, Authorization header) shares one canonical-request and signing path; split, the two halves would each need the other's internals.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { canonicalHeaders, canonicalQuery, canonicalUri, firstQueryValue, type QueryParam } from './canonical.js';
import { S3Error } from './errors.js';

/** AWS SigV4 verification for S3, in both forms: presigned query string and Authorization header. */

export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_PRESIGN_SECONDS = 604_800;
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

/** Query parameters that carry the presigned signature itself (not forwarded to the store). */
export const PRESIGN_QUERY_PARAMS = new Set([
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
  'X-Amz-Security-Token',
  'X-Amz-Content-Sha256',
]);

export interface SigV4Verifier {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  now?: () => Date;
}

export interface AuthenticatedRequest {
  form: 'header' | 'query';
  accessKeyId: string;
  /** What the client declared as payload hash: a hex SHA-256, UNSIGNED-PAYLOAD or STREAMING-… */
  payloadHash: string;
  signedHeaders: string[];
}

interface SignatureParts {
  accessKeyId: string;
  credentialDate: string;
  region: string;
  service: string;
  terminator: string;
  amzDate: string;
  signedHeaders: string[];
  signature: string;
  payloadHash: string;
}

type MalformedCode = 'AuthorizationHeaderMalformed' | 'AuthorizationQueryParametersError';

export function authenticate(
  req: IncomingMessage,
  rawPath: string,
  query: QueryParam[],
  verifier: SigV4Verifier,
): AuthenticatedRequest {
  const hasHeader = req.headers.authorization !== undefined;
  const hasQuery = query.some((p) => p.name === 'X-Amz-Algorithm' || p.name === 'X-Amz-Signature');
  if (hasHeader && hasQuery) {
    throw new S3Error(
      'InvalidArgument',
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
    );
  }
  const now = verifier.now?.() ?? new Date();
  if (hasHeader) return authenticateHeader(req, rawPath, query, verifier, now);
  if (hasQuery) return authenticateQuery(req, rawPath, query, verifier, now);
  throw new S3Error('AccessDenied', 'Access Denied');
}

function authenticateHeader(
  req: IncomingMessage,
  rawPath: string,
  query: QueryParam[],
  verifier: SigV4Verifier,
  now: Date,
): AuthenticatedRequest {
  const authorization = req.headers.authorization ?? '';
  const spaceAt = authorization.indexOf(' ');
  const algorithm = spaceAt === -1 ? authorization : authorization.slice(0, spaceAt);
  if (algorithm !== ALGORITHM) {
    throw new S3Error('InvalidArgument', 'Unsupported Authorization Type');
  }
  const fields = new Map(
    authorization
      .slice(spaceAt + 1)
      .split(',')
      .map((field) => field.trim())
      .filter((field) => field !== '')
      .map((field) => {
        const eq = field.indexOf('=');
        return [eq === -1 ? field : field.slice(0, eq), eq === -1 ? '' : field.slice(eq + 1)] as const;
      }),
  );
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (credential === undefined || signedHeaders === undefined || signature === undefined) {
    throw new S3Error(
      'AuthorizationHeaderMalformed',
      'The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.',
    );
  }
  const payloadHash = req.headers['x-amz-content-sha256'];
  if (typeof payloadHash !== 'string') {
    throw new S3Error('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  }
  assertValidPayloadHash(payloadHash);
  const amzDate = headerAmzDate(req);
  const parts: SignatureParts = {
    ...parseCredential(credential, 'AuthorizationHeaderMalformed'),
    amzDate,
    signedHeaders: parseSignedHeaders(signedHeaders, 'AuthorizationHeaderMalformed'),
    signature,
    payloadHash,
  };
  const secret = secretFor(parts.accessKeyId, verifier);
  assertScope(parts, verifier.region, 'AuthorizationHeaderMalformed');
  const requestTime = parseAmzDate(amzDate);
  if (requestTime === undefined) {
    throw new S3Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  }
  if (Math.abs(now.getTime() - requestTime.getTime()) > MAX_CLOCK_SKEW_MS) {
    throw new S3Error('RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', {
      RequestTime: amzDate,
      ServerTime: now.toISOString(),
      MaxAllowedSkewMilliseconds: String(MAX_CLOCK_SKEW_MS),
    });
  }
  assertSignature(req, rawPath, query, parts, secret);
  return { form: 'header', accessKeyId: parts.accessKeyId, payloadHash, signedHeaders: parts.signedHeaders };
}

function authenticateQuery(
  req: IncomingMessage,
  rawPath: string,
  query: QueryParam[],
  verifier: SigV4Verifier,
  now: Date,
): AuthenticatedRequest {
  const param = (name: string) => firstQueryValue(query, name);
  if (param('X-Amz-Algorithm') !== ALGORITHM) {
    throw new S3Error('AuthorizationQueryParametersError', 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  }
  const credential = param('X-Amz-Credential');
  const amzDate = param('X-Amz-Date');
  const expiresText = param('X-Amz-Expires');
  const signedHeaders = param('X-Amz-SignedHeaders');
  const signature = param('X-Amz-Signature');
  if (
    credential === undefined ||
    amzDate === undefined ||
    expiresText === undefined ||
    signedHeaders === undefined ||
    signature === undefined
  ) {
    throw new S3Error(
      'AuthorizationQueryParametersError',
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  }
  const expiresSeconds = /^\d+$/.test(expiresText) ? Number(expiresText) : NaN;
  if (Number.isNaN(expiresSeconds)) {
    throw new S3Error('AuthorizationQueryParametersError', 'X-Amz-Expires should be a number');
  }
  if (expiresSeconds > MAX_PRESIGN_SECONDS) {
    throw new S3Error(
      'AuthorizationQueryParametersError',
      'X-Amz-Expires must be less than a week (in seconds) that is 604800 seconds',
    );
  }
  const headerPayloadHash = req.headers['x-amz-content-sha256'];
  const payloadHash = param('X-Amz-Content-Sha256') ?? (typeof headerPayloadHash === 'string' ? headerPayloadHash : UNSIGNED_PAYLOAD);
  assertValidPayloadHash(payloadHash);
  const parts: SignatureParts = {
    ...parseCredential(credential, 'AuthorizationQueryParametersError'),
    amzDate,
    signedHeaders: parseSignedHeaders(signedHeaders, 'AuthorizationQueryParametersError'),
    signature,
    payloadHash,
  };
  const secret = secretFor(parts.accessKeyId, verifier);
  assertScope(parts, verifier.region, 'AuthorizationQueryParametersError');
  const requestTime = parseAmzDate(amzDate);
  if (requestTime === undefined) {
    throw new S3Error(
      'AuthorizationQueryParametersError',
      'X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd\'T\'HHmmss\'Z\'"',
    );
  }
  const expiresAt = new Date(requestTime.getTime() + expiresSeconds * 1000);
  if (now.getTime() > expiresAt.getTime()) {
    throw new S3Error('AccessDenied', 'Request has expired', {
      'X-Amz-Expires': expiresText,
      Expires: expiresAt.toISOString(),
      ServerTime: now.toISOString(),
    });
  }
  if (requestTime.getTime() - now.getTime() > MAX_CLOCK_SKEW_MS) {
    throw new S3Error('AccessDenied', 'Request is not valid yet');
  }
  // S3 refuses presigned requests carrying x-amz-* headers the URL did not sign.
  const unsigned = Object.keys(req.headers).filter((name) => name.startsWith('x-amz-') && !parts.signedHeaders.includes(name));
  if (unsigned.length > 0) {
    throw new S3Error('AccessDenied', 'There were headers present in the request which were not signed', {
      HeadersNotSigned: unsigned.join(', '),
    });
  }
  const signedQuery = query.filter((p) => p.name !== 'X-Amz-Signature');
  assertSignature(req, rawPath, signedQuery, parts, secret);
  return { form: 'query', accessKeyId: parts.accessKeyId, payloadHash, signedHeaders: parts.signedHeaders };
}

function assertValidPayloadHash(payloadHash: string): void {
  if (/^[0-9a-f]{64}$/i.test(payloadHash) || payloadHash === UNSIGNED_PAYLOAD || payloadHash.startsWith('STREAMING-')) return;
  throw new S3Error(
    'InvalidArgument',
    'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, or a valid sha256 value.',
    { ArgumentName: 'x-amz-content-sha256', ArgumentValue: payloadHash },
  );
}

/** x-amz-date, or (as S3 allows for header signatures) the Date header in basic ISO form. */
function headerAmzDate(req: IncomingMessage): string {
  const amzDate = req.headers['x-amz-date'];
  if (typeof amzDate === 'string') return amzDate;
  const date = req.headers.date === undefined ? NaN : Date.parse(req.headers.date);
  if (Number.isNaN(date)) {
    throw new S3Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  }
  return toAmzDate(new Date(date));
}

export function toAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function parseAmzDate(amzDate: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function parseCredential(credential: string, code: MalformedCode) {
  const pieces = credential.split('/');
  if (pieces.length !== 5 || pieces.some((p) => p === '')) {
    throw new S3Error(code, `Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`);
  }
  const [accessKeyId, credentialDate, region, service, terminator] = pieces as [string, string, string, string, string];
  return { accessKeyId, credentialDate, region, service, terminator };
}

function parseSignedHeaders(signedHeaders: string, code: MalformedCode): string[] {
  const names = signedHeaders.split(';').filter((name) => name !== '');
  if (!names.includes('host')) {
    throw new S3Error(code, 'The SignedHeaders must include the host header.');
  }
  return names;
}

function secretFor(accessKeyId: string, verifier: SigV4Verifier): string {
  if (accessKeyId !== verifier.credentials.accessKeyId) {
    throw new S3Error('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', {
      AWSAccessKeyId: accessKeyId,
    });
  }
  return verifier.credentials.secretAccessKey;
}

function assertScope(parts: SignatureParts, region: string, code: MalformedCode): void {
  const prefix = code === 'AuthorizationHeaderMalformed' ? 'The authorization header is malformed;' : 'Error parsing the X-Amz-Credential parameter;';
  if (parts.region !== region) {
    throw new S3Error(code, `${prefix} the region '${parts.region}' is wrong; expecting '${region}'`, { Region: region });
  }
  if (parts.service !== 's3') {
    throw new S3Error(code, `${prefix} incorrect service '${parts.service}'. This endpoint belongs to 's3'.`);
  }
  if (parts.terminator !== 'aws4_request') {
    throw new S3Error(code, `${prefix} incorrect terminal '${parts.terminator}'. This endpoint uses 'aws4_request'.`);
  }
  if (parts.credentialDate !== parts.amzDate.slice(0, 8)) {
    throw new S3Error(code, `${prefix} Invalid credential date "${parts.credentialDate}". This date is not the same as X-Amz-Date: "${parts.amzDate.slice(0, 8)}".`);
  }
}

const sha256Hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

function assertSignature(
  req: IncomingMessage,
  rawPath: string,
  signedQuery: QueryParam[],
  parts: SignatureParts,
  secret: string,
): void {
  const canonicalRequest = [
    req.method ?? 'GET',
    canonicalUri(rawPath),
    canonicalQuery(signedQuery),
    canonicalHeaders(req, parts.signedHeaders),
    parts.signedHeaders.join(';'),
    parts.payloadHash,
  ].join('\n');
  const scope = `${parts.credentialDate}/${parts.region}/${parts.service}/${parts.terminator}`;
  const stringToSign = [ALGORITHM, parts.amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const expected = createHmac('sha256', signingKey(secret, parts.credentialDate, parts.region, parts.service))
    .update(stringToSign, 'utf8')
    .digest();
  const provided = /^[0-9a-f]{64}$/i.test(parts.signature) ? Buffer.from(parts.signature, 'hex') : Buffer.alloc(0);
  if (provided.length === expected.length && timingSafeEqual(provided, expected)) return;
  throw new S3Error(
    'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    { AWSAccessKeyId: parts.accessKeyId, StringToSign: stringToSign, SignatureProvided: parts.signature, CanonicalRequest: canonicalRequest },
  );
}
