import { createReadStream } from 'node:fs';
import { request, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import S3rver from 's3rver';
import { privateSocket } from '../private-socket.js';
import { toAmzDate } from './sigv4.js';

/**
 * The s3rver instance that stores objects, on a unix socket in a private (0700) directory: it
 * verifies nothing, so only the verifying front server (server.ts) ever talks to it, and it has
 * no TCP port another local process could use.
 */

/** S3 bucket naming rules; also keeps bucket names from escaping the data directory. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export interface StoreRequest {
  method: string;
  /** Encoded path and query, e.g. `/bucket/a%20b?uploads=`. */
  path: string;
  headers: OutgoingHttpHeaders;
  /** Spool file holding the already verified body, if any. */
  bodyFile?: string;
}

export interface StoredObject {
  size: number;
  /** Without quotes. */
  eTag: string;
}

export interface ObjectStore {
  send(req: StoreRequest): Promise<IncomingMessage>;
  headObject(encodedPath: string): Promise<StoredObject | undefined>;
  close(): Promise<void>;
}

export async function startObjectStore(directory: string, buckets: string[]): Promise<ObjectStore> {
  for (const bucket of buckets) {
    if (!BUCKET_NAME.test(bucket)) throw new Error(`local S3: invalid bucket name "${bucket}"`);
  }
  const socket = await privateSocket('s3');
  const s3rver = new S3rver({
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  await s3rver.configureBuckets();
  s3rver.httpServer = await s3rver.listen(socket.path);

  /**
   * One connection per request (agent: false): a pooled keep-alive socket that s3rver closes
   * while we reuse it answered "socket hang up" about once per few thousand PUTs. A request
   * that still fails before any answer is sent once more (its body is a replayable spool file).
   */
  const attempt = (req: StoreRequest) =>
    new Promise<IncomingMessage>((resolve, reject) => {
      const outgoing = request(
        { socketPath: socket.path, agent: false, method: req.method, path: req.path, headers: { ...req.headers, ...storeAuthHeaders() } },
        resolve,
      );
      outgoing.on('error', reject);
      if (!req.bodyFile) {
        outgoing.end();
        return;
      }
      const body = createReadStream(req.bodyFile);
      body.on('error', (error) => outgoing.destroy(error));
      body.pipe(outgoing);
    });
  const send = (req: StoreRequest) => attempt(req).catch(() => attempt(req));

  return {
    send,
    async headObject(encodedPath) {
      const res = await send({ method: 'HEAD', path: encodedPath, headers: {} });
      res.resume();
      if (res.statusCode !== 200) return undefined;
      return { size: Number(res.headers['content-length'] ?? 0), eTag: unquote(res.headers) };
    },
    async close() {
      await s3rver.close();
      await socket.remove();
    },
  };
}

function unquote(headers: IncomingHttpHeaders): string {
  return (headers.etag ?? '').replace(/"/g, '');
}

/**
 * s3rver does not verify V4 signatures but does treat a V4-signed request as coming from its
 * built-in account (needed e.g. for response-* header overrides); requests reaching it were
 * already verified, so they carry that account's key with a placeholder signature.
 */
function storeAuthHeaders(): OutgoingHttpHeaders {
  const amzDate = toAmzDate(new Date());
  return {
    authorization: `AWS4-HMAC-SHA256 Credential=S3RVER/${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}`,
    'x-amz-date': amzDate,
    'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
  };
}
