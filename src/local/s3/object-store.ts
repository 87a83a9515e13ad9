import { createReadStream } from 'node:fs';
import { Agent, request, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import S3rver from 's3rver';
import { toAmzDate } from './sigv4.js';

/**
 * The s3rver instance that stores objects, on a private loopback port. It verifies nothing,
 * so only the verifying front server (server.ts) ever talks to it.
 */

const STORE_HOST = '127.0.0.1';
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
  const s3rver = new S3rver({
    address: STORE_HOST,
    port: 0,
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const { port } = await s3rver.run();
  const agent = new Agent({ keepAlive: true });

  const send = (req: StoreRequest) =>
    new Promise<IncomingMessage>((resolve, reject) => {
      const outgoing = request(
        { host: STORE_HOST, port, agent, method: req.method, path: req.path, headers: { ...req.headers, ...storeAuthHeaders() } },
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

  return {
    send,
    async headObject(encodedPath) {
      const res = await send({ method: 'HEAD', path: encodedPath, headers: {} });
      res.resume();
      if (res.statusCode !== 200) return undefined;
      return { size: Number(res.headers['content-length'] ?? 0), eTag: unquote(res.headers) };
    },
    async close() {
      agent.destroy();
      await s3rver.close();
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
