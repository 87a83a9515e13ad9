import { truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, fileSource, type PictureSource } from '../../client/src/index.js';
import { mintToken } from '../../src/local/token.js';
import { bootStack, type Booted } from '../helpers/stack-harness.js';
import { tempFiles } from '../helpers/client.js';

describe('a large picture is streamed, never held whole', () => {
  let booted: Booted;
  let dir: string;
  let token: string;
  beforeAll(async () => {
    booted = await bootStack();
    dir = await tempFiles();
    token = await mintToken('456');
  });
  afterAll(() => booted?.stack.stop());
  const client = (o: Partial<Parameters<typeof createClient>[0]> = {}) => createClient({ baseUrl: booted.stack.url, token, ...o });

  it('streams a 50 MB file (the largest original accepted): hashed and PUT as a stream with Content-Length, never buffered whole', async () => {
    const path = join(dir, 'huge.png');
    // PNG signature + 50 MB (sparse: written as a hole, read as zeros).
    await writeFile(path, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const size = 50 * 1024 * 1024;
    await truncate(path, size);

    // Every chunk read from the file is watched: how many are alive at once, after a GC?
    v8.setFlagsFromString('--expose_gc');
    const gc = runInNewContext('gc') as () => void;
    const chunks: WeakRef<Uint8Array>[] = [];
    const file = await fileSource(path);
    const watched: PictureSource = {
      name: file.name,
      size: file.size,
      stream: () =>
        file.stream().pipeThrough(
          new TransformStream<Uint8Array, Uint8Array>({
            transform(chunk, controller) {
              chunks.push(new WeakRef(chunk));
              controller.enqueue(chunk);
            },
          }),
        ),
    };
    let peakAlive = 0;
    const timer = setInterval(() => {
      gc();
      peakAlive = Math.max(peakAlive, chunks.filter((c) => c.deref()).length);
    }, 200);
    let putInit: (RequestInit & { duplex?: string }) | undefined;
    const spy = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (init?.method === 'PUT') putInit = init;
      return fetch(input, init);
    }) as typeof fetch;
    let lastUploaded = 0;
    try {
      const up = await client({ fetch: spy }).uploadPicture(watched, { post_id: 9, picture_id: 1 }, {
        onProgress: (p) => {
          if (p.phase === 'uploading') lastUploaded = p.loaded;
        },
      });
      // The local S3 verified the streamed body's SHA-256 against the streamed hash.
      expect(up).toMatchObject({ size, uploaded: true, content_type: 'image/png' });
    } finally {
      clearInterval(timer);
    }
    expect(putInit?.body).toBeInstanceOf(ReadableStream);
    expect(putInit?.duplex).toBe('half');
    expect((putInit?.headers as Record<string, string>)['Content-Length']).toBe(String(size));
    expect(lastUploaded).toBe(size);
    expect(chunks.length).toBeGreaterThanOrEqual(100); // read twice, 1 MiB at a time
    expect(peakAlive).toBeLessThanOrEqual(16); // at most a few MiB in memory at any time
  }, 240_000); // generous: 50 MB through the verifying local S3 on a busy 2-core machine

  it('a 200 MB file is refused by the receiver (413 image_too_large) before anything is uploaded', async () => {
    const path = join(dir, 'too-big.png');
    await writeFile(path, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    await truncate(path, 200 * 1024 * 1024);
    const puts: string[] = [];
    const spy = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (init?.method === 'PUT') puts.push(String(input));
      return fetch(input, init);
    }) as typeof fetch;
    const e = await client({ fetch: spy }).uploadPicture(path, { post_id: 9, picture_id: 2 }).catch((x: unknown) => x);
    expect(e).toMatchObject({ status: 413, code: 'image_too_large' });
    expect(puts).toEqual([]);
  }, 120_000);
});
