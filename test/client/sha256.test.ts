/**
 * The browser entry's SHA-256 paths, run in Node (which has Blob and Web Crypto too): Web Crypto
 * for a Blob up to the limit, hash-wasm streaming above it or without `crypto.subtle`, both equal to
 * node:crypto on the same bytes. The same worker in real Chromium: hash-worker.test.ts.
 */
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../client/src/browser.js';
import { PictureChangedError } from '../../client/src/errors.js';
import { hashBlob, WHOLE_HASH_MAX_BYTES } from '../../client/src/sha256.js';
import { MAX_ORIGINAL_BYTES } from '../../src/wire/constants.js';

const nodeSha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
/** A Blob of several parts, so that it is read in more than one chunk. */
const blobOf = (bytes: Uint8Array, part = 1000) => {
  const parts: Uint8Array<ArrayBuffer>[] = [];
  for (let at = 0; at < bytes.length; at += part) parts.push(bytes.slice(at, at + part));
  return new Blob(parts);
};

/** A Blob-like whose stream is not a byte stream (no BYOB reader), as in browsers whose Blob.stream() is not one. */
const plainStreamBlob = (bytes: Uint8Array, size = bytes.length) =>
  ({
    size,
    stream: () => {
      let at = 0;
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (at >= bytes.length) return controller.close();
          controller.enqueue(bytes.slice(at, at + 777));
          at += 777;
        },
      });
    },
  }) as unknown as Blob;

describe('hashBlob (the browser entry’s whole-Blob hash)', () => {
  const LIMIT = 4096; // injected: the paths switch here instead of at 64 MiB

  it('uses Web Crypto up to the limit and hash-wasm above it, both equal to node:crypto around the limit', async () => {
    for (const size of [0, 1, 55, 56, 64, LIMIT - 1, LIMIT, LIMIT + 1, 5 * LIMIT + 3]) {
      const bytes = new Uint8Array(randomBytes(size));
      const progress: number[] = [];
      const fast = await hashBlob(blobOf(bytes), { maxWholeBytes: LIMIT, onProgress: (n) => progress.push(n) });
      expect({ size, ...fast }).toEqual({ size, hex: nodeSha(bytes), via: size <= LIMIT ? 'web-crypto' : 'wasm' });
      expect(progress.at(-1) ?? 0).toBe(size);
      // The same bytes forced through WebAssembly (as where there is no crypto.subtle).
      expect(await hashBlob(blobOf(bytes), { maxWholeBytes: LIMIT, subtle: undefined })).toEqual({ hex: nodeSha(bytes), via: 'wasm' });
    }
  });

  it('agrees with node:crypto on both paths for any bytes and any limit', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), fc.nat(3000), fc.integer({ min: 1, max: 700 }), async (bytes, limit, part) => {
        const blob = blobOf(bytes, part);
        const fast = await hashBlob(blob, { maxWholeBytes: limit });
        const wasm = await hashBlob(blob, { subtle: undefined });
        return fast.hex === nodeSha(bytes) && wasm.hex === nodeSha(bytes) && fast.via === (bytes.length <= limit ? 'web-crypto' : 'wasm') && wasm.via === 'wasm';
      }),
      { numRuns: 200 },
    );
  });

  it('falls back to hash-wasm on the same bytes if Web Crypto refuses the digest', async () => {
    const bytes = new Uint8Array(randomBytes(10_000));
    const refusing = { digest: () => Promise.reject(new DOMException('refused', 'OperationError')) } as unknown as SubtleCrypto;
    expect(await hashBlob(blobOf(bytes), { subtle: refusing })).toEqual({ hex: nodeSha(bytes), via: 'wasm' });
  });

  it('reads into one buffer from a stream that is not a byte stream too', async () => {
    const bytes = new Uint8Array(randomBytes(10_000));
    expect(await hashBlob(plainStreamBlob(bytes))).toEqual({ hex: nodeSha(bytes), via: 'web-crypto' });
  });

  it('refuses a Blob whose bytes are not its size (the file changed while it was read), on both paths, byte stream or not', async () => {
    const shorter = { size: 10, stream: () => new Blob([new Uint8Array(5)]).stream() } as unknown as Blob;
    const longer = { size: 10, stream: () => new Blob([new Uint8Array(15)]).stream() } as unknown as Blob;
    for (const blob of [shorter, longer, plainStreamBlob(new Uint8Array(5), 10), plainStreamBlob(new Uint8Array(15), 10)]) {
      await expect(hashBlob(blob)).rejects.toBeInstanceOf(PictureChangedError);
      await expect(hashBlob(blob, { subtle: undefined })).rejects.toBeInstanceOf(PictureChangedError);
    }
  });

  it('stops reading when its signal aborts, on both paths', async () => {
    for (const subtle of [globalThis.crypto.subtle, undefined]) {
      const controller = new AbortController();
      const blob = blobOf(new Uint8Array(50_000));
      const reading = hashBlob(blob, { subtle, signal: controller.signal, onProgress: () => controller.abort(new Error('stop')) });
      await expect(reading).rejects.toThrow('stop');
    }
  });

  it('takes the Web Crypto path for every picture the API accepts', () => {
    expect(WHOLE_HASH_MAX_BYTES).toBeGreaterThanOrEqual(MAX_ORIGINAL_BYTES);
  });
});

describe('the browser client hashing a Blob (no Worker in Node: in place)', () => {
  const client = createClient({ baseUrl: 'http://127.0.0.1:9', getToken: () => 'unused' });

  it('hashes, sniffs and sizes a Blob with progress, as node:crypto does', async () => {
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...randomBytes(300_000)]);
    const progress: number[] = [];
    const prepared = await client.hashPicture(blobOf(bytes, 70_000), { onProgress: (p) => progress.push(p.loaded) });
    expect(prepared).toMatchObject({ image_hash: nodeSha(bytes), content_type: 'image/png', size: bytes.length });
    expect(progress.at(-1)).toBe(bytes.length);
    expect(await prepared.source.uploadBody!().arrayBuffer()).toEqual(bytes.buffer);
  });

  it('refuses a source whose Blob is not the size it announced', async () => {
    const blob = new Blob([new Uint8Array(8)]);
    const source = { name: 'a.png', size: 9, stream: () => blob.stream(), uploadBody: () => blob };
    await expect(client.hashPicture(source)).rejects.toBeInstanceOf(PictureChangedError);
  });

  it('stops at once when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled by the user'));
    await expect(client.hashPicture(new Blob([new Uint8Array(8)]), { signal: controller.signal })).rejects.toThrow('cancelled by the user');
  });
});
