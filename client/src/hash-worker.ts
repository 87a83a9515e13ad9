/**
 * The browser entry's hashing thread: SHA-256 in WebAssembly off the page's main thread.
 * Protocol (one hash per worker): `{chunk}` messages (transferred) are acknowledged with
 * `{ack}`, then `{digest: true}` is answered with `{hex}` (or `{error}`).
 */
import { createWasmHasher, type Hasher } from './sha256.js';

const scope = self as unknown as { onmessage: ((e: MessageEvent) => void) | null; postMessage(m: unknown): void };
let hasher: Promise<Hasher> | undefined;

scope.onmessage = (e: MessageEvent<{ chunk?: Uint8Array; digest?: boolean }>) => {
  hasher ??= createWasmHasher();
  void hasher
    .then(async (h) => {
      if (e.data.chunk) {
        await h.update(e.data.chunk);
        scope.postMessage({ ack: true });
      } else if (e.data.digest) scope.postMessage({ hex: await h.digestHex() });
    })
    .catch((error: unknown) => scope.postMessage({ error: String((error as Error)?.message ?? error) }));
};
