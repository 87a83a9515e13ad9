import { createSHA256 } from 'hash-wasm';
import { PictureChangedError } from './errors.js';

/**
 * SHA-256 for the browser entry. Two paths, one answer (the tests check both against `node:crypto`):
 * - a Blob up to WHOLE_HASH_MAX_BYTES is read into one buffer and digested by Web Crypto, which is
 *   native code using the CPU's SHA instructions, which WebAssembly cannot use (≈ 3× hash-wasm's
 *   speed in Chromium: docs/benchmarks.md, `npm run bench -- --only hash`);
 * - a larger Blob, a stream, or a context without `crypto.subtle` (plain http on a host other than
 *   localhost is not a secure context) goes through hash-wasm incrementally, in bounded memory.
 * In a page the browser entry runs both in a Web Worker (hash-worker.ts), so hashing never blocks painting.
 * Node uses `node:crypto` instead.
 */

export interface Hasher {
  /** May return a promise (a worker's backpressure): the caller awaits it before the next chunk. */
  update(chunk: Uint8Array): void | Promise<void>;
  /** Lower-case hex of the digest; the hasher is finished afterwards. */
  digestHex(): string | Promise<string>;
  /**
   * Optional: the hex digest of a whole Blob, read by the hasher itself (in the browser, inside the
   * worker: the page thread never touches the bytes). Used instead of update/digestHex when present.
   */
  digestBlob?(blob: Blob, o?: { onProgress?: (loaded: number) => void; signal?: AbortSignal }): Promise<string>;
}

/**
 * The largest Blob hashed whole with Web Crypto. Above every picture the API accepts
 * (MAX_ORIGINAL_BYTES, 50 MiB), so each valid upload takes the fast path; anything larger (which the
 * API refuses anyway) streams through hash-wasm instead of holding its bytes in memory.
 */
export const WHOLE_HASH_MAX_BYTES = 64 * 1024 * 1024;

export type HashPath = 'web-crypto' | 'wasm';

export interface HashBlobOptions {
  /** Blobs up to this many bytes go to Web Crypto (default WHOLE_HASH_MAX_BYTES). */
  maxWholeBytes?: number;
  /** Web Crypto to use; `undefined` forces hash-wasm (default: `globalThis.crypto.subtle`, absent in insecure contexts). */
  subtle?: SubtleCrypto;
  /** Bytes read so far, as they arrive. */
  onProgress?: (loaded: number) => void;
  /** Stops reading (rejects with its reason). */
  signal?: AbortSignal;
}

/** SHA-256 in WebAssembly on the calling thread. */
export const createWasmHasher = async (): Promise<Hasher> => {
  const hash = await createSHA256();
  hash.init();
  let done = false;
  return {
    update(chunk) {
      if (done) throw new Error('Sha256: update after digest');
      hash.update(chunk);
    },
    digestHex() {
      if (done) throw new Error('Sha256: digest called twice');
      done = true;
      return hash.digest('hex');
    },
  };
};

const changed = (blob: Blob) => new PictureChangedError(`The picture changed while it was read (${blob.size} bytes expected)`);

/** Reads a stream chunk by chunk (progress as it goes); throws unless it holds exactly `blob.size` bytes. */
const readChunks = async (
  blob: Blob,
  reader: ReadableStreamDefaultReader<Uint8Array>,
  onChunk: (chunk: Uint8Array, at: number) => void | Promise<void>,
  o: HashBlobOptions,
) => {
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const stop = o.signal?.aborted ? o.signal.reason : loaded + value.length > blob.size ? changed(blob) : undefined;
    if (stop) {
      await reader.cancel();
      throw stop;
    }
    await onChunk(value, loaded);
    loaded += value.length;
    o.onProgress?.(loaded);
  }
  if (o.signal?.aborted) throw o.signal.reason;
  if (loaded !== blob.size) throw changed(blob);
};

/**
 * A Blob's bytes in one new buffer. Where its stream is a byte stream (Chromium, Node), the browser
 * reads straight into that buffer (no copy per chunk: a 48 MiB File read ≈ 1.4× faster in Chromium
 * than chunk by chunk, close to `arrayBuffer()`, which gives no progress); elsewhere the chunks are copied in.
 */
const readWhole = async (blob: Blob, o: HashBlobOptions): Promise<Uint8Array<ArrayBuffer>> => {
  const stream = blob.stream() as ReadableStream<Uint8Array>;
  let reader: ReadableStreamBYOBReader;
  try {
    reader = stream.getReader({ mode: 'byob' });
  } catch {
    const whole = new Uint8Array(blob.size);
    await readChunks(blob, stream.getReader(), (chunk, at) => whole.set(chunk, at), o);
    return whole;
  }
  let whole = new Uint8Array(blob.size);
  let loaded = 0;
  const fail = async (error: unknown): Promise<never> => {
    await reader.cancel();
    throw error;
  };
  while (loaded < blob.size) {
    const { done, value } = await reader.read(new Uint8Array(whole.buffer, loaded, blob.size - loaded));
    if (done || !value) return fail(changed(blob)); // shorter than its size
    whole = new Uint8Array(value.buffer as ArrayBuffer); // each read hands the buffer back (the view given was transferred)
    loaded += value.byteLength;
    if (o.signal?.aborted) return fail(o.signal.reason);
    o.onProgress?.(loaded);
  }
  if (!(await reader.read(new Uint8Array(1))).done) return fail(changed(blob)); // longer than its size
  return whole;
};

const toHex = (digest: ArrayBuffer) => Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');

/** The hex SHA-256 of a Blob, and which path computed it (see the top of this file). */
export const hashBlob = async (blob: Blob, o: HashBlobOptions = {}): Promise<{ hex: string; via: HashPath }> => {
  const subtle = 'subtle' in o ? o.subtle : globalThis.crypto?.subtle;
  if (subtle && blob.size <= (o.maxWholeBytes ?? WHOLE_HASH_MAX_BYTES)) {
    const whole = await readWhole(blob, o);
    try {
      return { hex: toHex(await subtle.digest('SHA-256', whole)), via: 'web-crypto' };
    } catch {
      // A browser that refuses the digest (none known): the same bytes through WebAssembly.
      const wasm = await createWasmHasher();
      wasm.update(whole);
      return { hex: await wasm.digestHex(), via: 'wasm' };
    }
  }
  const wasm = await createWasmHasher();
  await readChunks(blob, (blob.stream() as ReadableStream<Uint8Array>).getReader(), (chunk) => wasm.update(chunk), o);
  return { hex: await wasm.digestHex(), via: 'wasm' };
};

/** Hex SHA-256 → the base64 form of S3's `x-amz-checksum-sha256` header. */
export const hexToBase64 = (hex: string): string => {
  let binary = '';
  for (let i = 0; i < hex.length; i += 2) binary += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
  return btoa(binary);
};
