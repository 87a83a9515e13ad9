import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { canonicalUri, uriEncode, type QueryParam } from './canonical.js';
import { S3Error } from './errors.js';
import type { ObjectCreatedEventName } from './events.js';
import { PRESIGN_QUERY_PARAMS } from './sigv4.js';

/** What a (path-style) request addresses, and how it is re-issued to the object store. */

export interface Target {
  bucket?: string;
  key?: string;
}

export function parseTarget(rawPath: string): Target {
  const [bucket, ...keySegments] = canonicalUri(rawPath).split('/').slice(1).map(decodeURIComponent);
  const key = keySegments.join('/');
  return { bucket: bucket || undefined, key: key || undefined };
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Refuses names s3rver would map outside its directory: invalid bucket names and keys with
 * '.'/'..' segments (legal in real S3, but s3rver stores keys as file paths).
 */
export function assertStorableTarget(target: Target): void {
  if (target.bucket !== undefined && !BUCKET_NAME.test(target.bucket)) {
    throw new S3Error('InvalidBucketName', 'The specified bucket is not valid.', { BucketName: target.bucket });
  }
  if (target.key !== undefined && target.key.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new S3Error('InvalidArgument', "The local S3 does not support '.' or '..' segments in object keys.", { Key: target.key });
  }
}

/** Query parameters that make a PUT/POST on a key something other than creating the object. */
const NON_CREATING_SUBRESOURCES = new Set([
  'acl',
  'attributes',
  'legal-hold',
  'partNumber',
  'restore',
  'retention',
  'select',
  'tagging',
  'torrent',
  'uploadId',
  'uploads',
  'versionId',
]);

/** The ObjectCreated event a successful request causes, if it creates an object. */
export function objectCreatedEventName(
  method: string,
  target: Target,
  query: QueryParam[],
  headers: IncomingHttpHeaders,
): ObjectCreatedEventName | undefined {
  if (!target.bucket || !target.key) return undefined;
  const names = new Set(query.map((p) => p.name));
  if (method === 'POST' && names.has('uploadId')) return 'ObjectCreated:CompleteMultipartUpload';
  if (method !== 'PUT' || [...names].some((name) => NON_CREATING_SUBRESOURCES.has(name))) return undefined;
  return headers['x-amz-copy-source'] !== undefined ? 'ObjectCreated:Copy' : 'ObjectCreated:Put';
}

export function encodedObjectPath(bucket: string, key: string): string {
  return `/${uriEncode(bucket)}/${key.split('/').map(uriEncode).join('/')}`;
}

/** Path and query for the store: signature parameters removed, everything re-encoded. */
export function storePath(rawPath: string, query: QueryParam[]): string {
  const kept = query.filter((p) => !PRESIGN_QUERY_PARAMS.has(p.name));
  const queryString = kept.map((p) => `${uriEncode(p.name)}=${uriEncode(p.value)}`).join('&');
  return canonicalUri(rawPath) + (queryString ? `?${queryString}` : '');
}

/** Headers about the client connection, its signature or its body framing: never forwarded. */
const DROPPED_HEADERS = new Set([
  'authorization',
  'connection',
  'content-length',
  'expect',
  'host',
  'keep-alive',
  'origin',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'x-amz-content-sha256',
  'x-amz-date',
  'x-amz-decoded-content-length',
  'x-amz-security-token',
  'x-amz-trailer',
]);

export function storeHeaders(headers: IncomingHttpHeaders, bodySize: number | undefined): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = Object.create(null) as OutgoingHttpHeaders;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || DROPPED_HEADERS.has(name)) continue;
    out[name] = value;
  }
  const encoding = withoutAwsChunked(headers['content-encoding']);
  if (encoding) out['content-encoding'] = encoding;
  else delete out['content-encoding'];
  const copySource = headers['x-amz-copy-source'];
  if (typeof copySource === 'string') out['x-amz-copy-source'] = copySourceForStore(copySource);
  if (bodySize !== undefined) out['content-length'] = String(bodySize);
  return out;
}

/** aws-chunked is a transfer framing already removed from the body; other codings are kept. */
function withoutAwsChunked(contentEncoding: string | undefined): string | undefined {
  if (contentEncoding === undefined) return undefined;
  const codings = contentEncoding
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '' && c.toLowerCase() !== 'aws-chunked');
  return codings.length ? codings.join(', ') : undefined;
}

/**
 * S3 reads x-amz-copy-source as `bucket/key` URL-encoded (optionally `?versionId=`); s3rver
 * decodes it with decodeURI, which leaves e.g. %2B encoded, so hand it a decodeURI-exact form.
 */
function copySourceForStore(copySource: string): string {
  const withoutVersion = copySource.split('?', 1)[0] ?? '';
  try {
    return encodeURI(decodeURIComponent(withoutVersion));
  } catch {
    return withoutVersion;
  }
}
