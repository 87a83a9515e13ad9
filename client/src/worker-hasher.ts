import { createWasmHasher, type Hasher } from './sha256.js';

/** Chunks posted to the worker before the reader waits for it (bounded memory, a full pipe). */
const MAX_IN_FLIGHT = 4;

/**
 * A Hasher whose work runs in a Web Worker (hash-worker.ts): the page thread only copies each
 * chunk across. Without Worker support (or if the worker cannot start) it hashes in place.
 */
export const createBrowserHasher = async (): Promise<Hasher> => {
  if (typeof Worker === 'undefined') return createWasmHasher();
  let worker: Worker;
  try {
    // Bundlers (Vite) turn this into a worker script of its own.
    worker = new Worker(new URL('./hash-worker.ts', import.meta.url), { type: 'module' });
  } catch {
    return createWasmHasher();
  }
  let inFlight = 0;
  let failure: Error | undefined;
  let drained: (() => void) | undefined;
  let answer: { resolve(hex: string): void; reject(e: Error): void } | undefined;
  worker.onmessage = (e: MessageEvent<{ ack?: boolean; hex?: string; error?: string }>) => {
    if (e.data.ack) {
      inFlight--;
      drained?.();
    } else if (e.data.hex !== undefined) {
      answer?.resolve(e.data.hex);
      worker.terminate();
    } else if (e.data.error !== undefined) {
      failure = new Error(`hashing failed: ${e.data.error}`);
      drained?.();
      answer?.reject(failure);
      worker.terminate();
    }
  };
  worker.onerror = (e) => {
    failure = new Error(`the hashing worker failed: ${e.message}`);
    drained?.();
    answer?.reject(failure);
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
    digestHex() {
      if (failure) return Promise.reject(failure);
      return new Promise<string>((resolve, reject) => {
        answer = { resolve, reject };
        worker.postMessage({ digest: true });
      });
    },
  };
};
