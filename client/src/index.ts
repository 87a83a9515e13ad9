/**
 * The Node entry (Node ≥ 20): everything of the browser-safe core, plus file
 * paths as picture sources (streamed from disk, never read whole), `node:crypto`
 * hashing, and saving downloads to files.
 *
 * ```ts
 * import { createClient } from './client/src/index.js';
 * const client = createClient({ baseUrl: process.env.API_URL!, token: process.env.API_TOKEN });
 * const { file_name } = await client.uploadPicture('./beach.jpg', {
 *   post_id: 123, picture_id: 789, trip_id: 3, location_id: 5, content: 'Día increíble en el desierto',
 * });
 * await client.waitForAnalysis(file_name);
 * ```
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createClientFor, type Client, type ObtainOptions, type ClientOptions, type Platform } from './client.js';
import type { Hasher } from './sha256.js';
import { browserSource, type BrowserPictureInput, type PictureSource } from './source.js';

/** A path or `file:` URL, a Buffer/Uint8Array, a Blob, or any `PictureSource`. */
export type NodePictureInput = string | URL | BrowserPictureInput;

const READ_CHUNK = 1 << 20;

/**
 * A file as a web stream that reads only when pulled (Node 20's `Readable.toWeb`
 * ignores backpressure and would queue a whole file while a slow upload drains it).
 */
const fileStream = (path: string): ReadableStream<Uint8Array> => {
  let handle: FileHandle | undefined;
  let position = 0;
  const close = async () => {
    const h = handle;
    handle = undefined;
    await h?.close();
  };
  return new ReadableStream<Uint8Array>(
    {
      async start() {
        handle = await open(path, 'r');
      },
      async pull(controller) {
        const chunk = new Uint8Array(READ_CHUNK);
        const { bytesRead } = await handle!.read(chunk, 0, READ_CHUNK, position);
        if (bytesRead === 0) {
          await close();
          controller.close();
          return;
        }
        position += bytesRead;
        controller.enqueue(chunk.subarray(0, bytesRead));
      },
      cancel: close,
    },
    { highWaterMark: 1 },
  );
};

/** A file on disk: its size from `stat`, its bytes streamed in 1 MiB chunks on every read. */
export const fileSource = async (path: string | URL): Promise<PictureSource> => {
  const p = path instanceof URL ? fileURLToPath(path) : path;
  const info = await stat(p);
  if (!info.isFile()) throw new Error(`${p} is not a file`);
  return {
    name: basename(p),
    size: info.size,
    stream: () => fileStream(p),
  };
};

class NodeHasher implements Hasher {
  private readonly hash = createHash('sha256');
  update(chunk: Uint8Array) {
    this.hash.update(chunk);
  }
  digestHex() {
    return this.hash.digest('hex');
  }
}

export const nodePlatform: Platform = {
  createHasher: () => new NodeHasher(),
  resolveInput: async (input, name) => {
    if (typeof input === 'string' || input instanceof URL) return fileSource(input);
    if (input instanceof Readable) {
      throw new TypeError('A picture is read twice (hash, then upload): pass a path, bytes, or a PictureSource whose stream() opens it again');
    }
    return browserSource(input, name);
  },
};

/** A client for Node: `uploadPicture('./beach.jpg', meta)`. */
export const createClient = (options: ClientOptions) => createClientFor<NodePictureInput>(nodePlatform, options);
export type NodeClient = Client<NodePictureInput>;

/** Downloads an image (or its `variant`) to `path` (written to a temporary name, then renamed: no partial files). */
export const downloadToFile = async (client: Client, fileName: string, path: string, o: ObtainOptions = {}): Promise<number> => {
  const { body } = await client.download(fileName, o);
  const partial = `${path}.part-${process.pid}`;
  let bytes = 0;
  try {
    const counted = Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>);
    counted.on('data', (c: Buffer) => (bytes += c.length));
    await pipeline(counted, createWriteStream(partial), { signal: o.signal });
    await rename(partial, path);
    return bytes;
  } catch (e) {
    await rm(partial, { force: true });
    throw e;
  }
};

export * from './shared.js';
