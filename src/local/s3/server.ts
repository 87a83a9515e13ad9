import { mkdir, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseQuery } from './canonical.js';
import { answerPreflight, crossOriginHeaders } from './cors.js';
import { addRequestIdsToErrorXml, renderErrorXml, S3Error, toS3Error } from './errors.js';
import { objectCreatedNotification, type ObjectCreated, type S3EventNotification } from './events.js';
import { startObjectStore, type ObjectStore } from './object-store.js';
import { assertStorableTarget, encodedObjectPath, objectCreatedEventName, parseTarget, storeHeaders, storePath, type Target } from './operations.js';
import { payloadExpectations, spoolAndVerify } from './payload.js';
import { firstBytes, resolveRange, storeRangeHeader, type RangeAnswer } from './range.js';
import { newRequestIds, type RequestIds } from './request-ids.js';
import { authenticate, type SigV4Verifier } from './sigv4.js';

export interface LocalS3Options {
  dataDir: string; // s3rver persists objects here (restart keeps them)
  host?: string; // default '127.0.0.1' — bind loopback only
  port?: number; // 0 = random
  region: string; // use LOCAL_REGION from src/local/constants.ts
  credentials: { accessKeyId: string; secretAccessKey: string }; // LOCAL_CREDENTIALS from src/local/constants.ts
  buckets: string[]; // created at start if missing
  /** called after every successful object creation (PUT, CompleteMultipartUpload, CopyObject), before the answer */
  onObjectCreated?: (notification: S3EventNotification) => Promise<void> | void;
}

export interface LocalS3 {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

/** Largest error document from the store that is rewritten (real ones are a few hundred bytes). */
const MAX_STORE_ERROR_BYTES = 64 * 1024;
const HOP_BY_HOP_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding']);

interface Context {
  verifier: SigV4Verifier;
  store: ObjectStore;
  spoolDir: string;
  /** Resolves once the notification is in the queue (a delivery failure is logged, not thrown). */
  notify(created: Omit<ObjectCreated, 'region'>): Promise<void>;
}

/**
 * Starts the local S3: s3rver stores the objects (under `<dataDir>/objects`); in front of it a
 * server of ours verifies each request the way S3 does (SigV4, expiry, checksums) before the
 * store sees it, and reports created objects as S3 event notifications.
 */
export async function startLocalS3(opts: LocalS3Options): Promise<LocalS3> {
  const host = opts.host ?? '127.0.0.1';
  const objectsDir = join(opts.dataDir, 'objects');
  // Bodies are spooled outside the store's directory so s3rver never lists them as buckets.
  const spoolDir = join(opts.dataDir, 'spool');
  await mkdir(objectsDir, { recursive: true });
  await rm(spoolDir, { recursive: true, force: true });
  await mkdir(spoolDir, { recursive: true });

  const store = await startObjectStore(objectsDir, opts.buckets);
  const pendingNotifications = new Set<Promise<void>>();
  const context: Context = {
    verifier: { region: opts.region, credentials: opts.credentials },
    store,
    spoolDir,
    notify(created) {
      const callback = opts.onObjectCreated;
      if (!callback) return Promise.resolve();
      const delivery = (async () => {
        try {
          await callback(objectCreatedNotification({ ...created, region: opts.region }));
        } catch (error) {
          console.error('local S3: onObjectCreated failed', error);
        }
      })();
      pendingNotifications.add(delivery);
      void delivery.finally(() => pendingNotifications.delete(delivery));
      return delivery;
    },
  };

  const server = createServer((req, res) => void handleRequest(req, res, context));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, host, () => resolve());
    });
  } catch (error) {
    await store.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://${host}:${port}`,
    port,
    async close() {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      });
      await Promise.allSettled([...pendingNotifications]);
      await store.close();
    },
  };
}

async function handleRequest(req: IncomingMessage, res: ServerResponse, context: Context): Promise<void> {
  const ids = newRequestIds();
  res.setHeader('x-amz-request-id', ids.requestId);
  res.setHeader('x-amz-id-2', ids.hostId);
  for (const [name, value] of Object.entries(crossOriginHeaders(req))) res.setHeader(name, value);
  try {
    if (req.method === 'OPTIONS') {
      answerPreflight(req, res);
      return;
    }
    await forwardVerified(req, res, context, ids);
  } catch (error) {
    const s3Error = toS3Error(error);
    if (!(error instanceof S3Error)) console.error('local S3: internal error', error);
    sendError(req, res, s3Error, ids);
  }
}

/** Verifies the request, hands it to the store and relays the answer. */
async function forwardVerified(req: IncomingMessage, res: ServerResponse, context: Context, ids: RequestIds): Promise<void> {
  const method = req.method ?? 'GET';
  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  const rawPath = queryAt === -1 ? url : url.slice(0, queryAt);
  const query = parseQuery(queryAt === -1 ? '' : url.slice(queryAt + 1));

  const auth = authenticate(req, rawPath, query, context.verifier);
  const target = parseTarget(rawPath);
  assertStorableTarget(target);
  const range = await objectRange(req, res, target, context);
  const body = await spoolAndVerify(req, context.spoolDir, payloadExpectations(req, auth));
  try {
    const hasBody = body.path !== undefined || method === 'PUT' || method === 'POST';
    const headers = storeHeaders(req.headers, hasBody ? body.size : undefined);
    delete headers.range;
    if (range.kind === 'part') headers.range = storeRangeHeader(range);
    const storeResponse = await context.store.send({ method, path: storePath(rawPath, query), headers, bodyFile: body.path });
    const status = storeResponse.statusCode ?? 500;
    const eventName = status < 300 ? objectCreatedEventName(method, target, query, req.headers) : undefined;
    if (eventName && target.bucket && target.key) {
      const stored = await context.store.headObject(encodedObjectPath(target.bucket, target.key));
      if (stored) {
        // The notification is queued before the 200: an acknowledged PUT is never only in our memory.
        await context.notify({ eventName, bucket: target.bucket, key: target.key, ...stored, accessKeyId: auth.accessKeyId, ids });
      } else {
        console.error(`local S3: ${target.bucket}/${target.key} vanished before its ${eventName} notification`);
      }
    }
    await relay(storeResponse, req, res, ids, range);
  } finally {
    if (body.path) await rm(body.path, { force: true });
  }
}

/** A GET of an object with a Range header: resolved against the stored size (a missing object is the store's 404). */
async function objectRange(req: IncomingMessage, res: ServerResponse, target: Target, context: Context): Promise<RangeAnswer & { size?: number }> {
  if (req.method !== 'GET' || !target.bucket || !target.key || req.headers.range === undefined) return { kind: 'whole' };
  const stored = await context.store.headObject(encodedObjectPath(target.bucket, target.key));
  if (!stored) return { kind: 'whole' };
  try {
    return { ...resolveRange(req.headers.range, stored.size), size: stored.size };
  } catch (error) {
    res.setHeader('Content-Range', `bytes */${stored.size}`);
    throw error;
  }
}

async function relay(
  storeResponse: IncomingMessage,
  req: IncomingMessage,
  res: ServerResponse,
  ids: RequestIds,
  range: RangeAnswer & { size?: number },
): Promise<void> {
  const status = storeResponse.statusCode ?? 500;
  for (const [name, value] of Object.entries(storeResponse.headers)) {
    if (value !== undefined && !HOP_BY_HOP_HEADERS.has(name)) res.setHeader(name, value);
  }
  if (status >= 400 && req.method !== 'HEAD') {
    const text = await readSmall(storeResponse);
    const xml = addRequestIdsToErrorXml(text, ids) ?? renderErrorXml(storeErrorAsS3Error(status, text), ids);
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/xml');
    res.setHeader('Content-Length', Buffer.byteLength(xml));
    res.end(xml);
    return;
  }
  res.statusCode = status;
  if (range.kind === 'part' && status === 206) {
    const length = range.end - range.start + 1;
    res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${range.size}`);
    res.setHeader('Content-Length', length);
    await pipeline(storeResponse, firstBytes(length), res).catch(() => res.destroy());
    return;
  }
  // Streams the object straight through (GET bodies are never buffered).
  await pipeline(storeResponse, res).catch(() => res.destroy());
}

async function readSmall(stream: IncomingMessage): Promise<string> {
  const pieces: Buffer[] = [];
  let size = 0;
  for await (const piece of stream as AsyncIterable<Buffer>) {
    size += piece.length;
    if (size <= MAX_STORE_ERROR_BYTES) pieces.push(piece);
  }
  return Buffer.concat(pieces).toString('utf8');
}

function storeErrorAsS3Error(status: number, text: string): S3Error {
  const code = status === 404 ? 'NotFound' : status === 405 ? 'MethodNotAllowed' : status === 501 ? 'NotImplemented' : 'InternalError';
  return new S3Error(code, text.trim() || 'The local object store refused the request.', {}, status);
}

function sendError(req: IncomingMessage, res: ServerResponse, error: S3Error, ids: RequestIds): void {
  // Drain whatever is left of the request body so the connection stays usable.
  if (!req.complete) req.resume();
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = error.status;
  res.setHeader('Content-Type', 'application/xml');
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const xml = renderErrorXml(error, ids);
  res.setHeader('Content-Length', Buffer.byteLength(xml));
  res.end(xml);
}
