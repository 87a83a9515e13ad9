import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Fixture } from '../../src/adapters/fixture-label-detector.js';
import { startStack, type Stack, type StackOptions } from '../../src/local/stack.js';
import { mintToken } from '../../src/local/token.js';
import { sha256 } from './images.js';

export interface Booted {
  stack: Stack;
  dataDir: string;
  fixturePath: string;
}

/** The local stack on random loopback ports, in a fresh data dir, with a fixture detector. */
export const bootStack = async (o: StackOptions & { fixture?: Fixture } = {}): Promise<Booted> => {
  const dataDir = o.dataDir ?? (await mkdtemp(join(tmpdir(), 'travellog-it-')));
  const fixturePath = join(dataDir, 'labels.json');
  await writeFile(fixturePath, JSON.stringify(o.fixture ?? {}));
  const stack = await startStack({
    port: 0,
    visibilityTimeoutSeconds: 2,
    ttlSweepIntervalMs: 3_600_000,
    labelDetector: `fixture:${fixturePath}`,
    ...o,
    dataDir,
  });
  return { stack, dataDir, fixturePath };
};

export interface Reply<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/** A user of the API, as the backend-server is: a base URL and a JWT. */
export class Api {
  constructor(
    readonly url: string,
    readonly token: string | undefined,
  ) {}

  static async as(url: string, userId: string) {
    return new Api(url, await mintToken(userId));
  }

  async call<T = Record<string, unknown>>(method: string, path: string, o: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply<T>> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}),
        ...(o.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...o.headers,
      },
      body: o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, headers: res.headers, body: body as T };
  }

  register(image: Buffer, meta: Partial<RegisterBody> & { user_id: string | number }, contentType = 'image/png') {
    return this.call<ReceiverReply>('POST', '/receiver', { body: registerBody(image, meta, contentType) });
  }

  /** Receiver + PUT to the presigned URL with exactly the returned headers. */
  async upload(image: Buffer, meta: Partial<RegisterBody> & { user_id: string | number }, contentType = 'image/png') {
    const reg = await this.register(image, meta, contentType);
    if (reg.status >= 300) throw new Error(`receiver answered ${reg.status}: ${JSON.stringify(reg.body)}`);
    const put = await fetch(reg.body.upload_url, { method: 'PUT', headers: reg.body.upload_headers, body: new Uint8Array(image) });
    if (put.status !== 200) throw new Error(`upload answered ${put.status}: ${await put.text()}`);
    return reg.body;
  }

  image(fileName: string) {
    return this.call<ImageView>('GET', `/images/${encodeURIComponent(fileName)}`);
  }

  scan(query = '') {
    return this.call<ScanReply>('GET', `/scan${query ? `?${query}` : ''}`);
  }

  /** Polls GET /images until the status is one of `statuses`. */
  async waitFor(fileName: string, statuses: string[], timeoutMs = 20_000): Promise<ImageView> {
    const deadline = Date.now() + timeoutMs;
    let last: Reply<ImageView> | undefined;
    while (Date.now() < deadline) {
      last = await this.image(fileName);
      if (last.status === 200 && statuses.includes(last.body.status)) return last.body;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${fileName} never reached ${statuses.join('/')}: last ${last?.status} ${JSON.stringify(last?.body)}`);
  }
}

export interface RegisterBody {
  image_hash: string;
  content_type: string;
  post_id: number;
  user_id: string | number;
  picture_id: number;
  post: { trip_id: number | null; location_id: number | null; content: string };
  byte_size?: number;
}
export interface ReceiverReply {
  file_name: string;
  upload_url: string;
  expires_in: number;
  upload_headers: Record<string, string>;
}
export interface ImageView {
  file_name: string;
  status: string;
  rekognition_results: { name: string; confidence: number; parents: string[] }[];
  analysis_source: string | null;
  failure_reason: string | null;
  posts: { post_id: number }[];
  [k: string]: unknown;
}
export interface ScanReply {
  grouping: string;
  grouping_id: string | number;
  filters: unknown[];
  total_count: number;
  images: string[];
  next_token: string | null;
}

export const registerBody = (image: Buffer, meta: Partial<RegisterBody> & { user_id: string | number }, contentType = 'image/png'): RegisterBody => ({
  image_hash: sha256(image),
  content_type: contentType,
  post_id: 1,
  picture_id: 1,
  post: { trip_id: 10, location_id: 20, content: 'Día increíble en el desierto' },
  ...meta,
});
