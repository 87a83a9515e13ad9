/** Exponential backoff with full jitter, for calls that are safe to repeat. */

export interface RetryOptions {
  /** Attempts in all, the first included (1 = no retry). Default 4. */
  maxAttempts: number;
  /** First backoff ceiling, ms. Default 200. */
  baseDelayMs: number;
  /** Largest wait between attempts, ms (also caps a server's Retry-After). Default 5000. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 5000 };

/** Full jitter (AWS architecture blog): uniform in [0, min(max, base·2^attempt)]. */
export const backoffDelay = (attempt: number, o: RetryOptions, random: () => number = Math.random): number =>
  Math.floor(random() * Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** attempt));

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** What a failed attempt tells the retry loop. */
export interface Retryable {
  retryable: boolean;
  /** A server's Retry-After, ms. */
  retryAfterMs?: number;
}

const isRetryable = (e: unknown): e is Retryable =>
  typeof e === 'object' && e !== null && (e as { retryable?: unknown }).retryable === true;

/**
 * Runs `attempt` until it succeeds, throws something not retryable, or the
 * attempts are spent. `onRetry` hears about each retry (for logs/progress).
 */
export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  o: RetryOptions,
  signal?: AbortSignal,
  onRetry?: (error: unknown, n: number, delayMs: number) => void,
): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (e) {
      if (signal?.aborted || !isRetryable(e) || n + 1 >= o.maxAttempts) throw e;
      const jittered = backoffDelay(n, o);
      const delay = e.retryAfterMs !== undefined ? Math.min(o.maxDelayMs, Math.max(jittered, e.retryAfterMs)) : jittered;
      onRetry?.(e, n + 1, delay);
      await sleep(delay, signal);
    }
  }
}

/** `Retry-After` (seconds or an HTTP date) → ms, or undefined. */
export const parseRetryAfter = (value: string | null, now = Date.now()): number | undefined => {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
};
