/**
 * The browser-safe entry: no Node-only imports (a test bundles it for the
 * browser platform to keep it so). Pictures are Blobs/Files, bytes, or any
 * `PictureSource`; hashing runs in a Web Worker when there is one (Web Crypto for a Blob up to
 * 64 MiB, read whole in the worker; streaming WebAssembly otherwise, see sha256.ts); uploads use
 * XHR when available for upload progress.
 *
 * ```ts
 * import { createClient } from './client/src/browser.js';
 * const client = createClient({ baseUrl: API_URL, getToken: () => session.jwt });
 * const { file_name } = await client.uploadPicture(fileInput.files[0], { post_id: 1, picture_id: 1 }, {
 *   onProgress: (p) => bar.update(p.phase, p.loaded / (p.total ?? 1)),
 * });
 * ```
 */
import { createClientFor, fetchPut, type Client, type ClientOptions, type Platform, type PutTransport } from './client.js';
import { createBrowserHasher } from './worker-hasher.js';
import { blobSource, browserSource, type BrowserPictureInput } from './source.js';

/** PUT through XMLHttpRequest (upload progress events) when the body is a Blob; fetch otherwise. */
export const xhrPut: PutTransport = (req, fetchImpl) => {
  const blob = req.source.uploadBody?.();
  if (!blob || typeof XMLHttpRequest === 'undefined') return fetchPut(req, fetchImpl);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', req.url);
    // Content-Length is the browser's to set (it is a forbidden header name).
    for (const [k, v] of Object.entries(req.headers)) if (k.toLowerCase() !== 'content-length') xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => req.onProgress?.(e.loaded);
    xhr.onload = () => resolve({ status: xhr.status, text: xhr.responseText, requestId: xhr.getResponseHeader('x-amz-request-id') ?? undefined });
    xhr.onerror = () => reject(new TypeError('Network error during upload'));
    xhr.onabort = () => reject(req.signal?.reason ?? new DOMException('Aborted', 'AbortError'));
    req.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(blob);
  });
};

export const browserPlatform: Platform = {
  createHasher: createBrowserHasher,
  resolveInput: (input, name) => {
    // Bytes go up as a Blob: browsers only stream request bodies over HTTP/2.
    if (input instanceof Uint8Array) return blobSource(new Blob([input as Uint8Array<ArrayBuffer>]), name);
    if (input instanceof ArrayBuffer) return blobSource(new Blob([input]), name);
    return browserSource(input, name);
  },
  put: xhrPut,
};

/** A client for browsers (and any runtime with fetch, Blob and streams). */
export const createClient = (options: ClientOptions) => createClientFor<BrowserPictureInput>(browserPlatform, options);
export type BrowserClient = Client<BrowserPictureInput>;

export * from './shared.js';
