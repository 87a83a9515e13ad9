import { createSHA256 } from 'hash-wasm';

/**
 * Incremental SHA-256 for the browser entry: hash-wasm's WebAssembly build (Web Crypto only
 * digests a whole buffer, and a 200 MB picture must be hashed as a stream). Node uses
 * `node:crypto` instead; both are checked against each other in the tests. In a page the
 * browser entry runs it in a Web Worker (hash-worker.ts), so hashing never blocks painting.
 */

export interface Hasher {
  /** May return a promise (a worker's backpressure): the caller awaits it before the next chunk. */
  update(chunk: Uint8Array): void | Promise<void>;
  /** Lower-case hex of the digest; the hasher is finished afterwards. */
  digestHex(): string | Promise<string>;
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

/** Hex SHA-256 → the base64 form of S3's `x-amz-checksum-sha256` header. */
export const hexToBase64 = (hex: string): string => {
  let binary = '';
  for (let i = 0; i < hex.length; i += 2) binary += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
  return btoa(binary);
};
