/**
 * Where a picture's bytes come from. A source is read twice — once to hash it,
 * once to upload it — and never held whole in memory by the client (unless it
 * already is: a Uint8Array).
 */
import type { ContentType } from './types.js';

export interface PictureSource {
  /** For messages and for the content type when the bytes do not tell. */
  name?: string;
  /** Bytes, when known before reading (required for the upload's Content-Length; learnt while hashing otherwise). */
  size?: number;
  /** A fresh stream of the bytes, on every call. */
  stream(): ReadableStream<Uint8Array>;
  /**
   * What the PUT sends, when a platform prefers something other than `stream()`
   * (a Blob in browsers, which cannot stream request bodies over HTTP/1.1).
   */
  uploadBody?(): Blob;
}

/** Inputs every platform accepts. */
export type BrowserPictureInput = Blob | ArrayBuffer | Uint8Array | PictureSource;

const isPictureSource = (x: unknown): x is PictureSource =>
  typeof x === 'object' && x !== null && typeof (x as PictureSource).stream === 'function' && !(x instanceof Blob);

const CHUNK = 1 << 20;

/** A stream over bytes already in memory, in 1 MiB views (no copies). */
const bytesStream = (bytes: Uint8Array): ReadableStream<Uint8Array> => {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + CHUNK));
      offset += CHUNK;
    },
  });
};

export const bytesSource = (bytes: Uint8Array, name?: string): PictureSource => ({
  name,
  size: bytes.length,
  stream: () => bytesStream(bytes),
});

/** A Blob or File: read in slices, uploaded as the Blob itself. */
export const blobSource = (blob: Blob, name?: string): PictureSource => ({
  name: name ?? (typeof (blob as File).name === 'string' ? (blob as File).name : undefined),
  size: blob.size,
  stream: () => {
    // Blob.stream() exists everywhere modern; slices keep memory flat where it does not.
    if (typeof blob.stream === 'function') return blob.stream() as ReadableStream<Uint8Array>;
    let offset = 0;
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (offset >= blob.size) return controller.close();
        controller.enqueue(new Uint8Array(await blob.slice(offset, offset + CHUNK).arrayBuffer()));
        offset += CHUNK;
      },
    });
  },
  uploadBody: () => blob,
});

/** Normalizes the inputs every platform accepts; undefined when `input` is none of them. */
export const browserSource = (input: unknown, name?: string): PictureSource | undefined => {
  if (typeof Blob !== 'undefined' && input instanceof Blob) return blobSource(input, name);
  if (input instanceof Uint8Array) return bytesSource(input, name);
  if (input instanceof ArrayBuffer) return bytesSource(new Uint8Array(input), name);
  if (isPictureSource(input)) {
    if (!name || input.name) return input;
    const named: PictureSource = { name, size: input.size, stream: () => input.stream() };
    if (input.uploadBody) named.uploadBody = () => input.uploadBody!();
    return named;
  }
  return undefined;
};

const startsWith = (bytes: Uint8Array, magic: readonly number[]) => magic.every((b, i) => bytes[i] === b);

/** The content type the first bytes announce (JPEG, PNG, and a few the API refuses, to say so). */
export const sniffContentType = (head: Uint8Array): string | undefined => {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(head, [0x47, 0x49, 0x46, 0x38])) return 'image/gif';
  if (startsWith(head, [0x52, 0x49, 0x46, 0x46]) && startsWith(head.subarray(8), [0x57, 0x45, 0x42, 0x50])) return 'image/webp';
  if (head.length >= 12 && String.fromCharCode(...head.subarray(4, 8)) === 'ftyp') return 'image/heic';
  return undefined;
};

const BY_EXTENSION: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  jpe: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
};

export const contentTypeFromName = (name: string | undefined): string | undefined => {
  const ext = name?.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  return ext ? BY_EXTENSION[ext] : undefined;
};

export const EXTENSION_OF: Record<ContentType, 'jpg' | 'png'> = { 'image/jpeg': 'jpg', 'image/png': 'png' };

export const isSupportedContentType = (t: string): t is ContentType => Object.hasOwn(EXTENSION_OF, t);
