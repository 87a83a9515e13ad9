import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sha256 } from '@aws-crypto/sha256-js';
import { S3Client } from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest } from '@smithy/types';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/local/constants.js';
import { startLocalS3, type LocalS3, type LocalS3Options, type S3EventNotification } from '../../src/local/s3/index.js';

export const BUCKET = 'travellog-images';

export interface Harness {
  s3: LocalS3;
  dataDir: string;
  notifications: S3EventNotification[];
  client: S3Client;
  stop(): Promise<void>;
}

export async function startHarness(overrides: Partial<LocalS3Options> = {}): Promise<Harness> {
  const dataDir = overrides.dataDir ?? (await mkdtemp(join(tmpdir(), 'local-s3-test-')));
  const notifications: S3EventNotification[] = [];
  const s3 = await startLocalS3({
    dataDir,
    port: 0,
    region: LOCAL_REGION,
    credentials: { ...LOCAL_CREDENTIALS },
    buckets: [BUCKET],
    onObjectCreated: (n) => void notifications.push(n),
    ...overrides,
  });
  const client = sdkClient(s3.endpoint);
  return {
    s3,
    dataDir,
    notifications,
    client,
    async stop() {
      client.destroy();
      await s3.close();
      if (!overrides.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Configured exactly like the product's clients. */
export function sdkClient(endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string } = LOCAL_CREDENTIALS): S3Client {
  return new S3Client({
    endpoint,
    region: LOCAL_REGION,
    forcePathStyle: true,
    credentials: { ...credentials },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
  });
}

export const sha256Base64 = (data: Buffer | string) => createHash('sha256').update(data).digest('base64');

export async function errorCode(res: Response): Promise<string | undefined> {
  const text = await res.text();
  return /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
}

export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function bodyBytes(body: { transformToByteArray(): Promise<Uint8Array> } | undefined): Promise<Buffer> {
  if (!body) throw new Error('no body');
  return Buffer.from(await body.transformToByteArray());
}

export interface RawRequest {
  method: string;
  /** Already URI-encoded path, e.g. `/bucket/a%20b`. */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** What to sign as x-amz-content-sha256; defaults to the SHA-256 of `body`. */
  payloadHash?: string;
  signingDate?: Date;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Body actually sent, when it should differ from the signed one. */
  sendBody?: Buffer | string;
}

export interface SignedRequest {
  url: string;
  init: { method: string; headers: Record<string, string>; body?: Uint8Array<ArrayBuffer> | string };
}

/** Signs a request with the SDK's own SigV4 signer (Authorization header form), ready for fetch. */
export async function signRequest(endpoint: string, raw: RawRequest): Promise<SignedRequest> {
  const url = new URL(endpoint);
  const body = raw.body ?? '';
  const signer = new SignatureV4({
    service: 's3',
    region: LOCAL_REGION,
    credentials: { ...(raw.credentials ?? LOCAL_CREDENTIALS) },
    sha256: Sha256,
    uriEscapePath: false,
  });
  const headers: Record<string, string> = {
    host: url.host,
    'x-amz-content-sha256': raw.payloadHash ?? createHash('sha256').update(body).digest('hex'),
    ...raw.headers,
  };
  const request: HttpRequest = {
    method: raw.method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: raw.path,
    query: raw.query ?? {},
    headers,
    body,
  };
  const signed = await signer.sign(request, raw.signingDate ? { signingDate: raw.signingDate } : {});
  // fetch sets Host itself (to the same value).
  const { host: _host, ...sendHeaders } = signed.headers;
  const query = new URLSearchParams(raw.query ?? {}).toString().replace(/\+/g, '%20');
  const sendBody = raw.sendBody ?? raw.body;
  return {
    url: `${endpoint}${raw.path}${query ? `?${query}` : ''}`,
    init: {
      method: raw.method,
      headers: sendHeaders,
      ...(sendBody !== undefined && raw.method !== 'GET' && raw.method !== 'HEAD' ? { body: fetchBody(sendBody) } : {}),
    },
  };
}

export async function signedFetch(endpoint: string, raw: RawRequest): Promise<Response> {
  const { url, init } = await signRequest(endpoint, raw);
  return fetch(url, init);
}

/** fetch's typings want a plain ArrayBuffer-backed view, not a Buffer. */
export function fetchBody(body: Buffer | string): Uint8Array<ArrayBuffer> | string {
  return typeof body === 'string' ? body : new Uint8Array(body);
}

/** Sends a signed request with node:http, which (unlike fetch) keeps '..' path segments as they are. */
export function sendVerbatim(signed: SignedRequest): Promise<{ status: number; text: string }> {
  const url = new URL(signed.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method: signed.init.method, path: signed.url.slice(url.origin.length), headers: signed.init.headers },
      (res) => {
        const pieces: Buffer[] = [];
        res.on('data', (piece: Buffer) => pieces.push(piece));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(pieces).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(signed.init.body);
  });
}

/** The env s3Client(env) builds a client of this local S3 from (as a handler, or the local label detector's worker, does). */
export const s3Env = (endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string }) => ({
  AWS_REGION: LOCAL_REGION,
  AWS_ENDPOINT_URL_S3: endpoint,
  AWS_ACCESS_KEY_ID: credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  S3_FORCE_PATH_STYLE: 'true',
});
