/**
 * The API transport: base URL, token, one JSON call with timeout, typed errors
 * and retries where safe; and the default streamed PUT to a presigned URL.
 */
import { apiErrorFor, NetworkError, PictureChangedError, UnauthorizedError } from './errors.js';
import { diagnoseToken } from './token-diagnosis.js';
import type { ClientOptions, PutTransport } from './options.js';
import { userIdFromToken } from './options.js';
import { DEFAULT_RETRY, parseRetryAfter, withRetry, type RetryOptions } from './retry.js';

export interface Call {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: URLSearchParams;
  body?: unknown;
  /** Safe to repeat (GET, DELETE, the idempotent receiver). */
  retry: boolean;
  operation: string;
  signal?: AbortSignal;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** Aborts when either signal does (AbortSignal.any is not everywhere yet). */
export const anySignal = (signals: (AbortSignal | undefined)[]): { signal: AbortSignal; dispose(): void } => {
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

export const describeNetworkError = (e: unknown): string => {
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

export type Transport = ReturnType<typeof createTransport>;

export const createTransport = (options: ClientOptions) => {
  if (!options.baseUrl) throw new TypeError('createClient: baseUrl is required');
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const retryPolicy: RetryOptions =
    options.retry === false ? { ...DEFAULT_RETRY, maxAttempts: 1 } : { ...DEFAULT_RETRY, ...options.retry };
  const timeoutMs = options.timeoutMs ?? 30_000;
  const fetchImpl = options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));

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
            if (err instanceof UnauthorizedError) err.tokenDiagnosis = diagnoseToken(t, { userClaims: options.userClaims });
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


  return { baseUrl, fetchImpl, token, userId, retrying, call };
};

/** `/images/{file_name}` or `/obtain/{file_name}`, the name percent-encoded. */
export const imagePath = (route: 'images' | 'obtain', fileName: string) => `/${route}/${encodeURIComponent(fileName)}`;
