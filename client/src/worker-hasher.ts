import { PictureChangedError } from './errors.js';
import { createWasmHasher, hashBlob, type Hasher } from './sha256.js';

/** Chunks posted to the worker before the reader waits for it (bounded memory, a full pipe). */
const MAX_IN_FLIGHT = 4;

/** Hashing on the calling thread (no Worker): Web Crypto's digest still runs off the page's thread. */
const inPlaceHasher = async (): Promise<Hasher> => ({
  ...(await createWasmHasher()),
  digestBlob: async (blob, o = {}) => (await hashBlob(blob, { onProgress: o.onProgress, signal: o.signal })).hex,
});

/** Workers kept after a hash for the next picture (starting one costs ≈ 20 ms), closed after IDLE_MS unused. */
const MAX_IDLE = 2;
const IDLE_MS = 30_000;
const idle: { worker: Worker; timer: ReturnType<typeof setTimeout> }[] = [];

const takeWorker = (): Worker => {
  const spare = idle.pop();
  if (spare) {
    clearTimeout(spare.timer);
    return spare.worker;
  }
  // Bundlers (Vite) turn this into a worker script of its own.
  return new Worker(new URL('./hash-worker.ts', import.meta.url), { type: 'module' });
};

/** Back to the pool after a hash that ended well (a failed or aborted one is terminated instead). */
const release = (worker: Worker) => {
  worker.onmessage = null;
  worker.onerror = null;
  if (idle.length >= MAX_IDLE) return worker.terminate();
  const entry = {
    worker,
    timer: setTimeout(() => {
      idle.splice(idle.indexOf(entry), 1);
      worker.terminate();
    }, IDLE_MS),
  };
  idle.push(entry);
};

/**
 * A Hasher whose work runs in a Web Worker (hash-worker.ts): for a Blob the page thread only hands
 * the Blob over (the worker reads it); for a stream it copies each chunk across. Without Worker
 * support (or if the worker cannot start) it hashes in place.
 */
export const createBrowserHasher = async (): Promise<Hasher> => {
  if (typeof Worker === 'undefined') return inPlaceHasher();
  let worker: Worker;
  try {
    worker = takeWorker();
  } catch {
    return inPlaceHasher();
  }
  let inFlight = 0;
  let failure: Error | undefined;
  let drained: (() => void) | undefined;
  let progress: ((loaded: number) => void) | undefined;
  let answer: { resolve(hex: string): void; reject(e: Error): void } | undefined;
  const stop = (error: Error) => {
    failure ??= error;
    drained?.();
    answer?.reject(failure);
    worker.terminate();
  };
  worker.onmessage = (e: MessageEvent<{ ack?: boolean; loaded?: number; hex?: string; error?: string; changed?: boolean }>) => {
    if (e.data.ack) {
      inFlight--;
      drained?.();
    } else if (e.data.loaded !== undefined) progress?.(e.data.loaded);
    else if (e.data.hex !== undefined) {
      answer?.resolve(e.data.hex);
      release(worker);
    } else if (e.data.error !== undefined) stop(e.data.changed ? new PictureChangedError(e.data.error) : new Error(`hashing failed: ${e.data.error}`));
  };
  worker.onerror = (e) => stop(new Error(`the hashing worker failed: ${e.message}`));
  const ask = (message: unknown) => {
    if (failure) return Promise.reject(failure);
    return new Promise<string>((resolve, reject) => {
      answer = { resolve, reject };
      worker.postMessage(message);
    });
  };
  return {
    async update(chunk) {
      if (failure) throw failure;
      const copy = chunk.slice(); // the stream may reuse its buffer; the copy is transferred, not cloned again
      worker.postMessage({ chunk: copy }, [copy.buffer]);
      inFlight++;
      while (inFlight >= MAX_IN_FLIGHT && !failure) await new Promise<void>((resolve) => (drained = resolve));
      if (failure) throw failure;
    },
    digestHex: () => ask({ digest: true }),
    digestBlob(blob, o = {}) {
      if (o.signal?.aborted) return Promise.reject(o.signal.reason);
      progress = o.onProgress;
      const aborted = () => stop(o.signal!.reason as Error);
      o.signal?.addEventListener('abort', aborted, { once: true });
      return ask({ blob }).finally(() => o.signal?.removeEventListener('abort', aborted));
    },
  };
};
