/**
 * The platform-neutral client (no Node-only imports): the browser entry uses it
 * as is, the Node entry adds file paths and `node:crypto` hashing.
 */
import pLimit from 'p-limit';
import {
  AnalysisTimeoutError,
  apiErrorFor,
  NetworkError,
  NotFoundError,
  parseS3Error,
  PictureChangedError,
  TravelLogError,
  UploadRefusedError,
} from './errors.js';
import { DEFAULT_RETRY, parseRetryAfter, sleep, withRetry, type RetryOptions } from './retry.js';
import { ScanQuery, type ScanParams } from './scan.js';
import { hexToBase64, type Hasher } from './sha256.js';
import {
  contentTypeFromName,
  EXTENSION_OF,
  isSupportedContentType,
  sniffContentType,
  type PictureSource,
} from './source.js';
import {
  FINAL_STATUSES,
  type ContentType,
  type Health,
  type ImageRecord,
  type ImageStatus,
  type ObtainUrl,
  type ReceiverRequest,
  type ReceiverResponse,
  type ScanResult,
} from './types.js';

export interface ClientOptions {
  /** The API's base URL, e.g. `https://abc.execute-api.us-east-1.amazonaws.com/prod` or `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** The user's JWT. */
  token?: string;
  /** Called before every request (e.g. to refresh a token); wins over `token`. */
  getToken?: () => string | Promise<string>;
  /** `user_id` sent to `/receiver`; default: the token's first present claim of `userClaims`. */
  userId?: string | number;
  /** Default `['user_id', 'sub']`, like the authorizer's `JWT_USER_CLAIMS`. */
  userClaims?: readonly string[];
  /** Retry policy for calls safe to repeat, or `false` for none. */
  retry?: Partial<RetryOptions> | false;
  /** Per API call (not per upload), ms. Default 30 000. */
  timeoutMs?: number;
  /** Pictures in flight at once in `uploadPictures`. Default 4. */
  concurrency?: number;
  /** A fetch to use instead of the global one (proxies, tests). */
  fetch?: typeof fetch;
  /** Hears about every retry (logging). */
  onRetry?: (info: { operation: string; attempt: number; delayMs: number; error: unknown }) => void;
}

/** What a platform entry plugs in. */
export interface Platform {
  createHasher(): Hasher;
  /** Turns whatever the caller passed into a source; undefined when unsupported. */
  resolveInput(input: unknown, name?: string): PictureSource | undefined | Promise<PictureSource | undefined>;
  /** Overrides the upload PUT (the browser entry uses XHR for upload progress). */
  put?: PutTransport;
}

export interface PutRequest {
  url: string;
  headers: Record<string, string>;
  source: PictureSource;
  size: number;
  onProgress?: (loaded: number) => void;
  signal?: AbortSignal;
}
export interface PutAnswer {
  status: number;
  text: string;
  requestId?: string;
}
export type PutTransport = (req: PutRequest, fetchImpl: typeof fetch) => Promise<PutAnswer>;

/** Metadata of one picture of a post (SPEC §3.2), in the API's names. */
export interface UploadMeta {
  post_id: number;
  picture_id: number;
  trip_id?: number | null;
  location_id?: number | null;
  content?: string;
  /** Default: the client's `userId`, else the token's user. */
  user_id?: number | string;
  /** Default: from the first bytes, else from the name's extension. */
  content_type?: string;
}

export type UploadPhase = 'hashing' | 'registering' | 'uploading' | 'done';

export interface UploadProgress {
  phase: UploadPhase;
  /** Bytes hashed or sent so far in this phase. */
  loaded: number;
  /** Bytes in all, when known. */
  total?: number;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface UploadOptions extends CallOptions {
  onProgress?: (p: UploadProgress) => void;
  /** Skip the PUT when the image is already stored for this user (re-registration of an uploaded image). Default true. */
  skipIfUploaded?: boolean;
}

/** A picture hashed and typed, ready to register and upload. */
export interface PreparedPicture {
  source: PictureSource;
  name?: string;
  image_hash: string;
  content_type: string;
  size: number;
}

export interface UploadResult {
  /** What to keep on the `Picture`: `<user_id>-<sha256>.<ext>`. */
  file_name: string;
  image_hash: string;
  content_type: ContentType;
  size: number;
  /** False when the receiver answered 200 (the same user registered this image before). */
  created: boolean;
  /** False when the PUT was skipped because the object was already stored. */
  uploaded: boolean;
}

export interface BulkItem<I = unknown> {
  source: I;
  meta: UploadMeta;
}

export type BulkOutcome =
  | { index: number; name?: string; status: 'uploaded' | 'already_uploaded'; result: UploadResult }
  | { index: number; name?: string; status: 'duplicate'; result: UploadResult; duplicateOf: number }
  | { index: number; name?: string; status: 'failed'; error: unknown; duplicateOf?: number };

export interface BulkOptions extends CallOptions {
  /** Default: the client's `concurrency` (4). */
  concurrency?: number;
  onProgress?: (index: number, p: UploadProgress) => void;
  /** Called as each picture ends (in completion order). */
  onSettled?: (outcome: BulkOutcome) => void;
}

export interface WaitOptions extends CallOptions {
  /** Give up after this long, ms. Default 120 000. */
  timeoutMs?: number;
  /** First poll interval, ms (doubles up to `maxIntervalMs`, with jitter). Default 250. */
  intervalMs?: number;
  maxIntervalMs?: number;
  /** Statuses that end the wait. Default: approved, under_review, rejected, failed. */
  until?: readonly ImageStatus[];
  /** Hears every status seen. */
  onStatus?: (record: ImageRecord) => void;
}

export interface Download {
  body: ReadableStream<Uint8Array>;
  contentType?: string;
  size?: number;
}

interface Call {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: URLSearchParams;
  body?: unknown;
  /** Safe to repeat (GET, DELETE, the idempotent receiver). */
  retry: boolean;
  operation: string;
  signal?: AbortSignal;
}

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** The user id a JWT names (first present claim), without verifying it: the API does that. */
export const userIdFromToken = (token: string, claims: readonly string[] = ['user_id', 'sub']): string | number | undefined => {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const b64 = payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const json = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    for (const c of claims) {
      const v = json[c];
      if (typeof v === 'string' || typeof v === 'number') return v;
    }
  } catch {
    return undefined;
  }
  return undefined;
};

/** `<user_id>-<image_hash>.<ext>`, the name the API will give a picture. */
export const fileNameFor = (userId: string | number, imageHash: string, contentType: ContentType): string =>
  `${userId}-${imageHash.toLowerCase()}.${EXTENSION_OF[contentType]}`;

/** Aborts when either signal does (AbortSignal.any is not everywhere yet). */
const anySignal = (signals: (AbortSignal | undefined)[]): { signal: AbortSignal; dispose(): void } => {
  const controller = new AbortController();
  const listeners: [AbortSignal, () => void][] = [];
  for (const s of signals) {
    if (!s) continue;
    if (s.aborted) {
      controller.abort(s.reason);
      break;
    }
    const l = () => controller.abort(s.reason);
    s.addEventListener('abort', l, { once: true });
    listeners.push([s, l]);
  }
  return { signal: controller.signal, dispose: () => listeners.forEach(([s, l]) => s.removeEventListener('abort', l)) };
};

const describeNetworkError = (e: unknown): string => {
  const cause = (e as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (e as Error)?.message ?? String(e);
};

/** The default upload transport: fetch, streaming the body (`duplex: 'half'`) with an explicit Content-Length. */
export const fetchPut: PutTransport = async ({ url, headers, source, size, onProgress, signal }, fetchImpl) => {
  const blob = source.uploadBody?.();
  let body: BodyInit;
  if (blob) {
    body = blob;
  } else {
    let loaded = 0;
    const changed = () => new PictureChangedError(`${source.name ?? 'The picture'} changed since it was hashed (${size} bytes expected, ${loaded} read)`);
    body = source.stream().pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          loaded += chunk.length;
          if (loaded > size) throw changed();
          onProgress?.(loaded);
          controller.enqueue(chunk);
        },
        flush() {
          if (loaded !== size) throw changed();
        },
      }),
    );
  }
  const init: RequestInit & { duplex?: 'half' } = {
    method: 'PUT',
    headers: { ...headers, 'Content-Length': String(size) },
    body,
    signal,
    // Not a formality: with any other mode, fetch clones the request for a possible redirect,
    // teeing the body, and the unread branch keeps every chunk — the whole file — in memory.
    redirect: 'error',
  };
  if (!blob) init.duplex = 'half';
  const res = await fetchImpl(url, init);
  const text = await res.text();
  if (blob && res.ok) onProgress?.(size);
  return { status: res.status, text, requestId: res.headers.get('x-amz-request-id') ?? undefined };
};

/** A client; `I` is what its platform accepts as a picture (any platform's client is a `Client`). */
export type Client<I = never> = ReturnType<typeof createClientFor<I>>;

/** Builds a client on a platform (see the `index.ts` and `browser.ts` entries). */
export function createClientFor<I>(platform: Platform, options: ClientOptions) {
  if (!options.baseUrl) throw new TypeError('createClient: baseUrl is required');
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const retryPolicy: RetryOptions =
    options.retry === false ? { ...DEFAULT_RETRY, maxAttempts: 1 } : { ...DEFAULT_RETRY, ...options.retry };
  const timeoutMs = options.timeoutMs ?? 30_000;
  const fetchImpl = options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
  const put = platform.put ?? fetchPut;

  const token = async (): Promise<string | undefined> => (options.getToken ? await options.getToken() : options.token);

  const userId = async (meta?: { user_id?: string | number }): Promise<string | number> => {
    const explicit = meta?.user_id ?? options.userId;
    if (explicit !== undefined) return explicit;
    const t = await token();
    const fromToken = t ? userIdFromToken(t, options.userClaims) : undefined;
    if (fromToken === undefined) {
      throw new TypeError(`No user id: the token has none of the claims ${(options.userClaims ?? ['user_id', 'sub']).join(', ')}; pass userId`);
    }
    return fromToken;
  };

  const retrying = <T>(operation: string, run: () => Promise<T>, signal?: AbortSignal, enabled = true) =>
    withRetry(run, enabled ? retryPolicy : { ...retryPolicy, maxAttempts: 1 }, signal, (error, attempt, delayMs) =>
      options.onRetry?.({ operation, attempt, delayMs, error }),
    );

  /** One API call: auth, timeout, JSON, typed errors, retries where safe. */
  const call = (c: Call): Promise<Answer> =>
    retrying(
      c.operation,
      async () => {
        const qs = c.query?.toString();
        const url = `${baseUrl}${c.path}${qs ? `?${qs}` : ''}`;
        const t = await token();
        const timeout = new AbortController();
        const timer = setTimeout(() => timeout.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
        const combined = anySignal([c.signal, timeout.signal]);
        try {
          let res: Response;
          try {
            res = await fetchImpl(url, {
              method: c.method,
              redirect: 'manual',
              headers: {
                Accept: 'application/json',
                ...(t ? { Authorization: `Bearer ${t}` } : {}),
                ...(c.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
              },
              body: c.body === undefined ? undefined : JSON.stringify(c.body),
              signal: combined.signal,
            });
          } catch (e) {
            if (c.signal?.aborted) throw c.signal.reason;
            const why = timeout.signal.aborted ? `timed out after ${timeoutMs} ms` : describeNetworkError(e);
            throw new NetworkError(`Could not reach the API at ${baseUrl} (${why})`, url, { cause: e });
          }
          const text = await res.text().catch(() => '');
          let body: unknown = undefined;
          if (text) {
            try {
              body = JSON.parse(text);
            } catch {
              body = text;
            }
          }
          if (res.status >= 400) {
            const err = apiErrorFor(res.status, body, res.headers.get('x-amzn-requestid') ?? undefined);
            err.retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
            throw err;
          }
          return { status: res.status, headers: res.headers, body };
        } finally {
          clearTimeout(timer);
          combined.dispose();
        }
      },
      c.signal,
      c.retry,
    );

  const imagePath = (route: 'images' | 'obtain', fileName: string) => `/${route}/${encodeURIComponent(fileName)}`;

  const hashPicture = async (input: I | PictureSource, o: { onProgress?: (p: UploadProgress) => void; signal?: AbortSignal; name?: string } = {}): Promise<PreparedPicture> => {
    const source = await platform.resolveInput(input, o.name);
    if (!source) throw new TypeError('Unsupported picture source: pass a file path (Node), a Blob/File, bytes, or a PictureSource');
    const hasher = platform.createHasher();
    const reader = source.stream().getReader();
    let size = 0;
    const head = new Uint8Array(16);
    let headLength = 0;
    try {
      for (;;) {
        if (o.signal?.aborted) throw o.signal.reason;
        const { done, value } = await reader.read();
        if (done) break;
        if (headLength < head.length) {
          const take = Math.min(head.length - headLength, value.length);
          head.set(value.subarray(0, take), headLength);
          headLength += take;
        }
        hasher.update(value);
        size += value.length;
        o.onProgress?.({ phase: 'hashing', loaded: size, total: source.size });
      }
    } catch (e) {
      await reader.cancel().catch(() => undefined);
      throw e;
    } finally {
      reader.releaseLock();
    }
    if (source.size !== undefined && source.size !== size) {
      throw new PictureChangedError(`${source.name ?? 'The picture'} changed while it was read (${source.size} bytes expected, ${size} read)`);
    }
    const content_type = sniffContentType(head.subarray(0, headLength)) ?? contentTypeFromName(source.name) ?? 'application/octet-stream';
    const sized: PictureSource = { name: source.name, size, stream: () => source.stream() };
    if (source.uploadBody) sized.uploadBody = () => source.uploadBody!();
    return { source: sized, name: source.name, image_hash: hasher.digestHex(), content_type, size };
  };

  /** `POST /receiver` (idempotent: a repeat answers 200 and keeps the analysis, so it is retried). */
  const register = async (body: ReceiverRequest, o: CallOptions = {}): Promise<ReceiverResponse & { created: boolean }> => {
    const res = await call({ method: 'POST', path: '/receiver', body, retry: true, operation: 'register', signal: o.signal });
    return { ...(res.body as ReceiverResponse), created: res.status === 201 };
  };

  const status = async (fileName: string, o: CallOptions = {}): Promise<ImageRecord> =>
    (await call({ method: 'GET', path: imagePath('images', fileName), retry: true, operation: 'status', signal: o.signal })).body as ImageRecord;

  /** `GET /obtain/{file_name}` in JSON mode: a presigned GET URL of the original, valid `expires_in` seconds. */
  const obtainUrl = async (fileName: string, o: CallOptions = {}): Promise<ObtainUrl> =>
    (await call({ method: 'GET', path: imagePath('obtain', fileName), retry: true, operation: 'obtain', signal: o.signal })).body as ObtainUrl;

  /** PUT with exactly `upload_headers`; S3 errors become UploadRefusedError with S3's code. */
  const putObject = async (reg: ReceiverResponse, prepared: PreparedPicture, o: UploadOptions): Promise<void> => {
    let answer: PutAnswer;
    try {
      answer = await put(
        {
          url: reg.upload_url,
          headers: { ...reg.upload_headers },
          source: prepared.source,
          size: prepared.size,
          onProgress: (loaded) => o.onProgress?.({ phase: 'uploading', loaded, total: prepared.size }),
          signal: o.signal,
        },
        fetchImpl,
      );
    } catch (e) {
      if (o.signal?.aborted) throw o.signal.reason;
      if (e instanceof TravelLogError) throw e;
      for (let c = (e as { cause?: unknown })?.cause; c; c = (c as { cause?: unknown }).cause) if (c instanceof PictureChangedError) throw c;
      throw new NetworkError(`Could not upload to ${new URL(reg.upload_url).origin} (${describeNetworkError(e)})`, reg.upload_url, { cause: e });
    }
    if (answer.status >= 200 && answer.status < 300) return;
    const { code, message } = parseS3Error(answer.text);
    throw new UploadRefusedError(
      `The upload of ${prepared.name ?? reg.file_name} was refused: ${code}: ${message}`,
      answer.status,
      code,
      message,
      answer.requestId,
    );
  };

  const uploadPrepared = async (prepared: PreparedPicture, meta: UploadMeta, o: UploadOptions = {}): Promise<UploadResult> => {
    const contentType = meta.content_type ?? prepared.content_type;
    const body: ReceiverRequest = {
      image_hash: prepared.image_hash,
      content_type: contentType,
      post_id: meta.post_id,
      user_id: await userId(meta),
      picture_id: meta.picture_id,
      post: { trip_id: meta.trip_id ?? null, location_id: meta.location_id ?? null, content: meta.content ?? '' },
    };
    o.onProgress?.({ phase: 'registering', loaded: 0, total: prepared.size });
    let reg = await register(body, o);
    const created = reg.created;
    if (!created && o.skipIfUploaded !== false) {
      const stored = await status(reg.file_name, o).catch((e: unknown) => {
        if (e instanceof NotFoundError) return undefined;
        throw e;
      });
      if (stored && stored.status !== 'waiting') {
        o.onProgress?.({ phase: 'done', loaded: prepared.size, total: prepared.size });
        return { file_name: reg.file_name, image_hash: prepared.image_hash, content_type: reg.upload_headers['Content-Type'], size: prepared.size, created, uploaded: false };
      }
    }
    let renewed = false;
    await retrying(
      'upload',
      async () => {
        try {
          await putObject(reg, prepared, o);
        } catch (e) {
          // The URL lives SIGNED_URL_WRITE_EXPIRATION seconds: a slow start gets a fresh one, once.
          if (e instanceof UploadRefusedError && e.s3Code === 'AccessDenied' && /expired/i.test(e.s3Message) && !renewed) {
            renewed = true;
            reg = await register(body, o);
            await putObject(reg, prepared, o);
            return;
          }
          throw e;
        }
      },
      o.signal,
    );
    o.onProgress?.({ phase: 'done', loaded: prepared.size, total: prepared.size });
    return { file_name: reg.file_name, image_hash: prepared.image_hash, content_type: reg.upload_headers['Content-Type'], size: prepared.size, created, uploaded: true };
  };

  return {
    baseUrl,

    /** `GET /health` (no token). */
    async health(o: CallOptions = {}): Promise<Health> {
      return (await call({ method: 'GET', path: '/health', retry: true, operation: 'health', signal: o.signal })).body as Health;
    },

    /** The user id this client registers pictures as. */
    userId: () => userId(),

    register,
    hashPicture,
    uploadPrepared,

    /**
     * Hashes the picture as a stream (SHA-256), registers it (`POST /receiver`), and PUTs it to the
     * presigned URL with exactly `upload_headers`, streamed. Returns the `file_name` to keep.
     *
     * ```ts
     * const { file_name } = await client.uploadPicture('beach.jpg', { post_id: 123, picture_id: 789, trip_id: 3, location_id: 5, content: 'Día increíble' });
     * ```
     */
    async uploadPicture(input: I | PictureSource, meta: UploadMeta, o: UploadOptions = {}): Promise<UploadResult> {
      const prepared = await hashPicture(input, o);
      return uploadPrepared(prepared, meta, o);
    },

    /**
     * Many pictures with bounded concurrency: all are hashed first, a picture repeated in the batch
     * (same SHA-256 and type) is uploaded once (`duplicate` for the others), one receiver call per
     * distinct picture. Never throws for a picture: each outcome says `uploaded`, `already_uploaded`,
     * `duplicate` or `failed`.
     */
    async uploadPictures(items: readonly BulkItem<I | PictureSource>[], o: BulkOptions = {}): Promise<BulkOutcome[]> {
      const limit = pLimit(Math.max(1, o.concurrency ?? options.concurrency ?? 4));
      const prepared: (PreparedPicture | { error: unknown })[] = await Promise.all(
        items.map((item, index) =>
          limit(() =>
            hashPicture(item.source, { signal: o.signal, onProgress: (p) => o.onProgress?.(index, p) }).catch((error: unknown) => ({ error })),
          ),
        ),
      );
      const outcomes: BulkOutcome[] = new Array(items.length);
      const settle = (outcome: BulkOutcome) => {
        outcomes[outcome.index] = outcome;
        o.onSettled?.(outcome);
      };
      // One upload per distinct picture (same SHA-256 and type); the others follow their first.
      const keyOf = (p: PreparedPicture, index: number) => `${p.image_hash}:${items[index]!.meta.content_type ?? p.content_type}`;
      const firstOf = new Map<string, number>();
      const followers = new Map<number, number[]>();
      prepared.forEach((p, index) => {
        if ('error' in p) return;
        const first = firstOf.get(keyOf(p, index));
        if (first === undefined) firstOf.set(keyOf(p, index), index);
        else followers.set(first, [...(followers.get(first) ?? []), index]);
      });
      const nameOf = (index: number) => (prepared[index] as PreparedPicture).name;
      await Promise.all(
        prepared.map(async (p, index) => {
          if ('error' in p) return settle({ index, status: 'failed', error: p.error });
          if (firstOf.get(keyOf(p, index)) !== index) return; // settled with its first
          const outcome = await limit(async (): Promise<BulkOutcome> => {
            try {
              const result = await uploadPrepared(p, items[index]!.meta, { signal: o.signal, onProgress: (pr) => o.onProgress?.(index, pr) });
              return { index, name: p.name, status: result.uploaded ? 'uploaded' : 'already_uploaded', result };
            } catch (error) {
              return { index, name: p.name, status: 'failed', error };
            }
          });
          settle(outcome);
          for (const d of followers.get(index) ?? []) {
            settle(
              outcome.status === 'failed'
                ? { index: d, name: nameOf(d), status: 'failed', error: outcome.error, duplicateOf: index }
                : { index: d, name: nameOf(d), status: 'duplicate', result: outcome.result, duplicateOf: index },
            );
          }
        }),
      );
      return outcomes;
    },

    /** `GET /images/{file_name}`: status, labels, metadata and posts of the token user's image. */
    status,

    /**
     * Polls `status` with backoff (and jitter) until the analysis ends (`until`), or throws
     * AnalysisTimeoutError at the deadline. A NotFound (say, the registration expired) is thrown at once.
     */
    async waitForAnalysis(fileName: string, o: WaitOptions = {}): Promise<ImageRecord> {
      const until = o.until ?? FINAL_STATUSES;
      const timeout = o.timeoutMs ?? 120_000;
      const started = Date.now();
      let interval = o.intervalMs ?? 250;
      const maxInterval = o.maxIntervalMs ?? 5_000;
      let last: ImageRecord | undefined;
      for (;;) {
        last = await status(fileName, o);
        o.onStatus?.(last);
        if (until.includes(last.status)) return last;
        const left = timeout - (Date.now() - started);
        if (left <= 0) throw new AnalysisTimeoutError(fileName, last.status, Date.now() - started);
        await sleep(Math.min(left, interval * (0.75 + Math.random() * 0.5)), o.signal);
        interval = Math.min(maxInterval, interval * 2);
      }
    },

    obtainUrl,

    /** The original's bytes, as a stream (through a fresh presigned URL). */
    async download(fileName: string, o: CallOptions = {}): Promise<Download> {
      return retrying(
        'download',
        async () => {
          const { url } = await obtainUrl(fileName, o);
          let res: Response;
          try {
            res = await fetchImpl(url, { signal: o.signal });
          } catch (e) {
            if (o.signal?.aborted) throw o.signal.reason;
            throw new NetworkError(`Could not download ${fileName} (${describeNetworkError(e)})`, url, { cause: e });
          }
          if (!res.ok || !res.body) {
            const { code, message } = parseS3Error(await res.text().catch(() => ''));
            if (res.status === 404) throw new NotFoundError(`${fileName}: ${message}`, 404, code);
            throw apiErrorFor(res.status, { error: code, message: `Download of ${fileName} failed: ${code}: ${message}` });
          }
          const size = res.headers.get('content-length');
          return { body: res.body, contentType: res.headers.get('content-type') ?? undefined, size: size ? Number(size) : undefined };
        },
        o.signal,
      );
    },

    /** `GET /scan`: by one grouping (or all), filtered by labels. */
    async scan(query: ScanParams | ScanQuery = {}, o: CallOptions = {}): Promise<ScanResult> {
      const q = ScanQuery.from(query);
      return (await call({ method: 'GET', path: '/scan', query: q.toSearchParams(), retry: true, operation: 'scan', signal: o.signal })).body as ScanResult;
    },

    /** `DELETE /images/{file_name}`: the object, the record, every post placement. Idempotent. */
    async delete(fileName: string, o: CallOptions = {}): Promise<void> {
      await call({ method: 'DELETE', path: imagePath('images', fileName), retry: true, operation: 'delete', signal: o.signal });
    },

    /** The file name a prepared picture gets for this client's user. */
    async fileNameOf(prepared: Pick<PreparedPicture, 'image_hash' | 'content_type'>): Promise<string> {
      if (!isSupportedContentType(prepared.content_type)) throw new TypeError(`${prepared.content_type} is not image/jpeg or image/png`);
      return fileNameFor(await userId(), prepared.image_hash, prepared.content_type);
    },

    /** `x-amz-checksum-sha256` for a hex SHA-256. */
    checksumOf: hexToBase64,
  };
}
