/**
 * Serves the console build's hashing worker (web/dist/assets/hash-worker-*.js, as Vite emits it)
 * next to a blank page, so a browser test or the bench can drive the shipped worker directly.
 * Listens on 127.0.0.1 with an OS-chosen port; `http://localhost:<port>` is a secure context,
 * the same server reached under another host name (see `launchChromium`'s extra args) is not.
 */
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ensureWebBuild, WEB_DIST } from '../../web/build.js';

export interface HashWorkerHost {
  port: number;
  /** Path of the worker script on the server, e.g. `/assets/hash-worker-abc.js`. */
  workerPath: string;
  close(): Promise<void>;
}

export const serveHashWorker = async (): Promise<HashWorkerHost> => {
  await ensureWebBuild();
  const file = (await readdir(join(WEB_DIST, 'assets'))).find((f) => /^hash-worker-.*\.js$/.test(f));
  if (!file) throw new Error(`no hash-worker-*.js in ${WEB_DIST}/assets: did the console build change?`);
  const script = await readFile(join(WEB_DIST, 'assets', file));
  const workerPath = `/assets/${file}`;
  const server = createServer((req, res) => {
    if (req.url === workerPath) res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script);
    else if (req.url === '/') res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>hash worker</title>');
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    workerPath,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

/**
 * In the page (a string, so the test's transpiler leaves it alone): `hashWorkerOnBlob(blob, maxWholeBytes?, kept?)`
 * hands a Blob to a fresh worker as the console does for its first picture (`kept`: to one worker kept
 * across calls, as for the next pictures); `hashInWorker(bytes, options)` does it with a Blob of `bytes` in
 * several parts (or posts `bytes` as chunks, with `{chunks: true}`). Both resolve to the worker's answer
 * (`{hex, via}`) with the progress it reported.
 */
export const PAGE_HELPERS = (workerPath: string) => `
window.askWorker = (post, kept) => new Promise((resolve, reject) => {
  const worker = kept ? (window.keptWorker ??= new Worker(${JSON.stringify(workerPath)}, { type: 'module' })) : new Worker(${JSON.stringify(workerPath)}, { type: 'module' });
  const progress = [];
  worker.onerror = (e) => reject(new Error(e.message));
  worker.onmessage = (e) => {
    if (e.data.loaded !== undefined) return void progress.push(e.data.loaded);
    if (e.data.ack) return;
    if (!kept) worker.terminate();
    resolve({ ...e.data, progress });
  };
  post(worker);
});
window.hashWorkerOnBlob = (blob, maxWholeBytes, kept) => askWorker((w) => w.postMessage({ blob, maxWholeBytes }), kept);
window.hashInWorker = (bytes, options = {}) => {
  if (options.chunks) {
    return askWorker((w) => {
      for (let at = 0; at < bytes.length; at += 65536) w.postMessage({ chunk: bytes.slice(at, at + 65536) });
      w.postMessage({ digest: true });
    });
  }
  // Several parts: the worker reads the Blob in more than one chunk.
  const parts = [];
  for (let at = 0; at < bytes.length; at += 1000) parts.push(bytes.subarray(at, at + 1000));
  return hashWorkerOnBlob(new Blob(parts), options.maxWholeBytes);
};`;
