/**
 * The browser entry's hashing thread: SHA-256 off the page's main thread. Two protocols, one hash at a
 * time (the page reuses a worker for the next hash once it has its answer):
 * - a whole Blob: `{blob, maxWholeBytes?}` (cloned by reference, no bytes copied) is answered with
 *   `{loaded}` progress messages, then `{hex, via}` (or `{error}`); the worker reads it itself;
 * - a stream: `{chunk}` messages (transferred) are acknowledged with `{ack}`, then `{digest: true}`
 *   is answered with `{hex}` (or `{error}`), through WebAssembly.
 */
import { createWasmHasher, hashBlob, type Hasher } from './sha256.js';

/** Progress is posted at most once per this many bytes (and at the end). */
const PROGRESS_STEP = 1 << 20;

const scope = self as unknown as { onmessage: ((e: MessageEvent) => void) | null; postMessage(m: unknown): void };
let hasher: Promise<Hasher> | undefined;

/** `changed`: the file could not be read as it was (edited or removed on disk since it was picked). */
const fail = (error: unknown) =>
  scope.postMessage({ error: String((error as Error)?.message ?? error), changed: ['PictureChangedError', 'NotReadableError', 'NotFoundError'].includes((error as Error)?.name) });

scope.onmessage = (e: MessageEvent<{ chunk?: Uint8Array; digest?: boolean; blob?: Blob; maxWholeBytes?: number }>) => {
  const { blob, maxWholeBytes } = e.data;
  if (blob) {
    let posted = 0;
    const onProgress = (loaded: number) => {
      if (loaded - posted < PROGRESS_STEP && loaded < blob.size) return;
      posted = loaded;
      scope.postMessage({ loaded });
    };
    void hashBlob(blob, { ...(maxWholeBytes === undefined ? {} : { maxWholeBytes }), onProgress }).then(({ hex, via }) => scope.postMessage({ hex, via }), fail);
    return;
  }
  const current = (hasher ??= createWasmHasher());
  if (e.data.digest) hasher = undefined; // the next stream (the page reuses workers) starts afresh
  void current
    .then(async (h) => {
      if (e.data.chunk) {
        await h.update(e.data.chunk);
        scope.postMessage({ ack: true });
      } else if (e.data.digest) scope.postMessage({ hex: await h.digestHex() });
    })
    .catch(fail);
};
