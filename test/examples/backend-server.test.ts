import type { Server } from 'node:http';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import initSqlJs from 'sql.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../client/src/index.js';
import { createApp, type AppOptions } from '../../examples/backend-server/src/app.js';
import { Store } from '../../examples/backend-server/src/db.js';
import { DEFAULT_LOCAL_SECRET, mintToken } from '../../src/local/token.js';
import { sha256, solidPng } from '../helpers/images.js';
import { closedPort, tempFiles } from '../helpers/client.js';
import { bootStack, type Booted } from '../helpers/stack-harness.js';

const beach = solidPng([240, 200, 150]);
const sunset = solidPng([250, 120, 60]);
const mountain = solidPng([120, 130, 140]);

/** The example app on a random port; `url` + a way to stop it. */
const startApp = async (o: AppOptions) => {
  const server: Server = await new Promise((resolve) => {
    const s = createApp(o).listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, stop: () => new Promise<void>((r) => server.close(() => r())) };
};

const form = (fields: Record<string, string>, pictures: [string, Buffer, string?][]) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  for (const [name, bytes, type] of pictures) f.append('pictures', new Blob([new Uint8Array(bytes)], { type: type ?? 'image/png' }), name);
  return f;
};

describe('the example backend-server (Express + SQLite) on the local stack', () => {
  let booted: Booted;
  let dataDir: string;
  let store: Store;
  let app: { url: string; stop: () => Promise<void> };
  let token: string;

  beforeAll(async () => {
    booted = await bootStack({ fixture: { [sha256(beach)]: [{ name: 'Beach', confidence: 95, parents: ['Nature'] }] } });
    dataDir = await tempFiles({}, 'travellog-example-');
    store = await Store.open(join(dataDir, 'app.sqlite'));
    app = await startApp({ store, apiUrl: booted.stack.url, jwtSecret: DEFAULT_LOCAL_SECRET, limits: { maxPictureBytes: 64 * 1024 } });
    token = await mintToken('456');
  });
  afterAll(async () => {
    await app?.stop();
    await store?.close();
    await booted?.stack.stop();
  });

  const call = (path: string, init: RequestInit = {}, as = token) =>
    fetch(`${app.url}${path}`, { redirect: 'manual', ...init, headers: { Authorization: `Bearer ${as}`, ...init.headers } });

  it('a multipart post with 3 pictures: hashed, registered, uploaded; scan by post finds 3; obtain redirects work', async () => {
    const res = await call('/posts', {
      method: 'POST',
      body: form({ trip_id: '3', location_id: '5', content: 'Día increíble en el desierto' }, [
        ['beach.png', beach],
        ['sunset.png', sunset],
        ['mountain.png', mountain],
      ]),
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { post: { id: number }; pictures: { id: number; file_name: string; original_name: string }[] };
    expect(created.pictures.map((p) => p.file_name)).toEqual([beach, sunset, mountain].map((b) => `456-${sha256(b)}.png`));

    // The serverless side has them, in this post, with every metadata field.
    const api = createClient({ baseUrl: booted.stack.url, token });
    for (const p of created.pictures) {
      const record = await api.waitForAnalysis(p.file_name);
      expect(record.posts).toEqual([{ post_id: created.post.id, picture_id: p.id, trip_id: 3, location_id: 5, content: 'Día increíble en el desierto' }]);
    }
    expect((await api.scan({ post_id: created.post.id })).total_count).toBe(3);

    // Reading the post lists its pictures through /scan?post_id=, each served through /obtain.
    const read = (await (await call(`/posts/${created.post.id}`)).json()) as { pictures: { id: number; url: string; uploaded: boolean }[] };
    expect(read.pictures).toHaveLength(3);
    expect(read.pictures.every((p) => p.uploaded)).toBe(true);
    const originals = [beach, sunset, mountain];
    for (const [i, p] of read.pictures.entries()) {
      const redirect = await call(p.url);
      expect(redirect.status).toBe(302);
      expect(redirect.headers.get('cache-control')).toBe('no-store');
      const bytes = Buffer.from(await (await fetch(redirect.headers.get('location')!)).arrayBuffer());
      expect(bytes.equals(originals[i]!)).toBe(true);
    }
    const analysed = (await (await call(`/pictures/${read.pictures[0]!.id}`)).json()) as { status: string; labels: { name: string }[] };
    expect(analysed).toMatchObject({ status: 'approved', labels: [{ name: 'Beach' }] });

    // The Picture table keeps file_name — and no image; the app keeps nothing else on disk.
    await store.close();
    const SQL = await initSqlJs();
    const db = new SQL.Database(await readFile(join(dataDir, 'app.sqlite')));
    const rows = db.exec('SELECT id, post_id, file_name FROM pictures ORDER BY id')[0]!.values;
    expect(rows).toEqual(created.pictures.map((p) => [p.id, created.post.id, p.file_name]));
    const columns = db.exec('PRAGMA table_info(pictures)')[0]!.values.map((c) => c[1]);
    expect(columns).not.toContain('data');
    expect(columns).toContain('file_name');
    db.close();
    expect(await readdir(dataDir)).toEqual(['app.sqlite']);
    store = await Store.open(join(dataDir, 'app.sqlite'));
    await app.stop();
    app = await startApp({ store, apiUrl: booted.stack.url, jwtSecret: DEFAULT_LOCAL_SECRET, limits: { maxPictureBytes: 64 * 1024 } });
    expect((await call(`/posts/${created.post.id}`)).status).toBe(200); // survives a restart
  });

  it('maps every error class to a sensible answer', async () => {
    // No session, a forged one.
    expect((await fetch(`${app.url}/posts/1`)).status).toBe(401);
    const forged = await call('/posts/1', {}, `${token.slice(0, -3)}abc`);
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ error: 'unauthorized' });

    // Another user's post is simply not found.
    const mine = await call('/posts', { method: 'POST', body: form({}, [['one.png', solidPng([1, 2, 3])]]) });
    const { post } = (await mine.json()) as { post: { id: number } };
    expect((await call(`/posts/${post.id}`, {}, await mintToken('457'))).status).toBe(404);

    // A picture the service refuses (GIF → 415 with its message), next to one it stores.
    const mixed = await call('/posts', {
      method: 'POST',
      body: form({ content: 'mixed' }, [
        ['ok.png', solidPng([4, 5, 6])],
        ['anim.gif', Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(30)]), 'image/gif'],
      ]),
    });
    expect(mixed.status).toBe(415);
    const mixedBody = (await mixed.json()) as { error: string; message: string; pictures: unknown[]; failed: { original_name: string; message: string }[] };
    expect(mixedBody.error).toBe('unsupported_picture_type');
    expect(mixedBody.pictures).toHaveLength(1);
    expect(mixedBody.failed[0]).toMatchObject({ original_name: 'anim.gif', message: expect.stringMatching(/accepted: image\/jpeg, image\/png/) });

    // Bad requests of the app itself.
    expect((await call('/posts', { method: 'POST', body: form({ content: 'x' }, []) })).status).toBe(400);
    expect((await call('/posts', { method: 'POST', body: form({ trip_id: 'abc' }, [['a.png', solidPng([7, 7, 7])]]) })).status).toBe(400);
    expect((await call('/posts', { method: 'POST', body: 'not multipart', headers: { 'Content-Type': 'text/plain' } })).status).toBe(400);
    const big = await call('/posts', { method: 'POST', body: form({}, [['big.png', Buffer.alloc(70 * 1024, 1)]]) });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: 'picture_too_large' });
  });

  it('a tampered upload is refused by storage (502 upload_refused, BadDigest) and leaves no Picture', async () => {
    // A proxy that corrupts the body on its way to S3: the checksum-bound URL refuses it.
    const corrupting = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (init?.method !== 'PUT' || !(init.body instanceof ReadableStream)) return fetch(input, init);
      const body = init.body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, c) {
            const copy = new Uint8Array(chunk);
            copy[copy.length - 1] = copy[copy.length - 1]! ^ 0xff;
            c.enqueue(copy);
          },
        }),
      );
      return fetch(input, { ...init, body } as RequestInit);
    }) as typeof fetch;
    const tampering = await startApp({ store, apiUrl: booted.stack.url, jwtSecret: DEFAULT_LOCAL_SECRET, client: { fetch: corrupting } });
    try {
      const res = await fetch(`${tampering.url}/posts`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form({}, [['t.png', solidPng([9, 8, 7])]]) });
      expect(res.status).toBe(502);
      const body = (await res.json()) as { error: string; failed: { s3_code: string }[]; pictures: unknown[]; post: { id: number } };
      expect(body.error).toBe('upload_refused');
      expect(body.failed[0]!.s3_code).toBe('BadDigest');
      expect(store.picturesOf(body.post.id)).toEqual([]);
    } finally {
      await tampering.stop();
    }
  });

  it('503 with Retry-After when the picture service is unreachable; delete removes the original with its last picture', async () => {
    const down = await startApp({ store, apiUrl: `http://127.0.0.1:${await closedPort()}`, jwtSecret: DEFAULT_LOCAL_SECRET, client: { retry: { maxAttempts: 1 } } });
    try {
      const res = await fetch(`${down.url}/posts`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form({}, [['d.png', solidPng([6, 6, 6])]]) });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(await res.json()).toMatchObject({ error: 'pictures_unavailable' });
    } finally {
      await down.stop();
    }

    // The same photo in two posts: deleting one picture keeps the original for the other.
    const photo = solidPng([33, 44, 55]);
    const a = (await (await call('/posts', { method: 'POST', body: form({}, [['p.png', photo]]) })).json()) as { pictures: { id: number; file_name: string }[] };
    const b = (await (await call('/posts', { method: 'POST', body: form({}, [['p.png', photo]]) })).json()) as { pictures: { id: number; file_name: string }[] };
    expect(a.pictures[0]!.file_name).toBe(b.pictures[0]!.file_name);
    const api = createClient({ baseUrl: booted.stack.url, token });
    await api.waitForAnalysis(a.pictures[0]!.file_name);
    expect((await call(`/pictures/${a.pictures[0]!.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(`/pictures/${b.pictures[0]!.id}/original`)).status).toBe(302);
    expect((await call(`/pictures/${b.pictures[0]!.id}`, { method: 'DELETE' })).status).toBe(204);
    await expect(api.status(b.pictures[0]!.file_name)).rejects.toMatchObject({ kind: 'not_found' });
    expect((await call(`/pictures/${b.pictures[0]!.id}/original`)).status).toBe(404);
  });
});
