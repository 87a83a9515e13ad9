import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AnalysisTimeoutError,
  createClient,
  downloadToFile,
  ForbiddenError,
  NetworkError,
  NotFoundError,
  ScanQuery,
  ServerError,
  UnauthorizedError,
  UploadRefusedError,
  ValidationError,
  type BulkOutcome,
  type PictureSource,
} from '../../client/src/index.js';
import { mintToken } from '../../src/local/token.js';
import { sha256, solidPng } from '../helpers/images.js';
import { bootStack, type Booted } from '../helpers/stack-harness.js';
import { closedPort, flakyFetch, tempFiles } from '../helpers/client.js';

const beach = solidPng([250, 220, 150]);
const city = solidPng([90, 90, 110]);
const forest = solidPng([20, 120, 40]);

describe('the client library against the local stack', () => {
  let booted: Booted;
  let dir: string;
  let token: string;

  beforeAll(async () => {
    booted = await bootStack({
      fixture: {
        [sha256(beach)]: [
          { name: 'Beach', confidence: 97.5, parents: ['Nature'] },
          { name: 'Ocean', confidence: 85, parents: ['Water'] },
        ],
        [sha256(city)]: [{ name: 'City', confidence: 92, parents: ['Urban'] }],
      },
    });
    dir = await tempFiles({ 'beach.png': beach, 'city.png': city, 'forest.png': forest });
    token = await mintToken('456');
  });
  afterAll(() => booted?.stack.stop());

  const client = (o: Partial<Parameters<typeof createClient>[0]> = {}) => createClient({ baseUrl: booted.stack.url, token, ...o });

  it('uploads a file (streamed hash + PUT), waits for its analysis, obtains, downloads, scans and deletes it', async () => {
    const c = client();
    const phases = new Set<string>();
    const up = await c.uploadPicture(join(dir, 'beach.png'), { post_id: 1, picture_id: 7, trip_id: 10, location_id: 20, content: 'Día increíble' }, {
      onProgress: (p) => phases.add(p.phase),
    });
    expect(up).toEqual({ file_name: `456-${sha256(beach)}.png`, image_hash: sha256(beach), content_type: 'image/png', size: beach.length, created: true, uploaded: true });
    expect([...phases]).toEqual(['hashing', 'registering', 'uploading', 'done']);

    const seen: string[] = [];
    const done = await c.waitForAnalysis(up.file_name, { timeoutMs: 20_000, onStatus: (r) => seen.push(r.status) });
    expect(done.status).toBe('approved');
    expect(seen.at(-1)).toBe('approved');
    expect(done.rekognition_results.map((l) => l.name)).toEqual(['Beach', 'Ocean']);
    expect(done.posts).toEqual([{ post_id: 1, picture_id: 7, trip_id: 10, location_id: 20, content: 'Día increíble' }]);

    const obtained = await c.obtainUrl(up.file_name);
    expect(obtained.expires_in).toBe(30);
    const { body, size } = await c.download(up.file_name);
    expect(size).toBe(beach.length);
    expect(Buffer.from(await new Response(body).arrayBuffer()).equals(beach)).toBe(true);
    const saved = join(dir, 'downloaded.png');
    expect(await downloadToFile(c, up.file_name, saved)).toBe(beach.length);
    expect((await readFile(saved)).equals(beach)).toBe(true);

    expect((await c.scan()).images).toContain(up.file_name);
    expect(await c.scan({ post_id: 1 })).toMatchObject({ grouping: 'post_id', grouping_id: 1, images: [up.file_name] });
    expect((await c.scan({ trip_id: 10, labels: ['beach>80', ['ocean', '<', 90]] })).images).toEqual([up.file_name]);
    expect((await c.scan(ScanQuery.byLocation(20).where('ocean', '>', 90))).images).toEqual([]);

    await c.delete(up.file_name);
    await c.delete(up.file_name); // idempotent
    await expect(c.status(up.file_name)).rejects.toBeInstanceOf(NotFoundError);
    await expect(c.obtainUrl(up.file_name)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('re-registering an uploaded picture skips the PUT; a repeat in a second post keeps both posts', async () => {
    const c = client();
    const first = await c.uploadPicture(join(dir, 'city.png'), { post_id: 2, picture_id: 1 });
    await c.waitForAnalysis(first.file_name);
    const again = await c.uploadPicture(join(dir, 'city.png'), { post_id: 3, picture_id: 5 });
    expect(again).toMatchObject({ file_name: first.file_name, created: false, uploaded: false });
    expect((await c.status(first.file_name)).posts.map((p) => p.post_id).sort()).toEqual([2, 3]);
    expect((await c.scan({ post_id: 3 })).images).toEqual([first.file_name]);
  });

  it('uploads many pictures with bounded concurrency, uploading a duplicate once', async () => {
    const pics = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`p${i}.png`, solidPng([i * 30, 7, 200])]));
    const folder = await tempFiles({ ...pics, 'copy-of-p3.png': pics['p3.png']! });
    const names = [...Object.keys(pics), 'copy-of-p3.png'];
    let inFlight = 0;
    let maxInFlight = 0;
    const counting = (async (input: RequestInfo | URL, init?: RequestInit) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        return await fetch(input, init);
      } finally {
        inFlight--;
      }
    }) as typeof fetch;
    const settled: BulkOutcome[] = [];
    const outcomes = await client({ fetch: counting }).uploadPictures(
      names.map((n, i) => ({ source: join(folder, n), meta: { post_id: 40, picture_id: i + 1 } })),
      { concurrency: 3, onSettled: (o) => settled.push(o) },
    );
    expect(maxInFlight).toBeLessThanOrEqual(3);
    expect(settled).toHaveLength(8);
    expect(outcomes.map((o) => o.status)).toEqual(['uploaded', 'uploaded', 'uploaded', 'uploaded', 'uploaded', 'uploaded', 'uploaded', 'duplicate']);
    const dup = outcomes[7]!;
    expect(dup.status === 'duplicate' && dup.duplicateOf).toBe(3);
    for (const o of outcomes) if (o.status === 'uploaded') await client().waitForAnalysis(o.result.file_name);
    const scan = await client().scan({ post_id: 40 });
    expect(scan.total_count).toBe(7);
    expect(scan.next_token).toBeNull();

    // Pages: scan with a limit gives a token; scanPages follows it; scanAll gathers every page.
    const first = await client().scan({ post_id: 40 }, { limit: 3 });
    expect(first).toMatchObject({ total_count: 7, next_token: expect.any(String) });
    expect(first.images).toEqual(scan.images.slice(0, 3));
    const second = await client().scan({ post_id: 40 }, { limit: 3, nextToken: first.next_token });
    expect(second.images).toEqual(scan.images.slice(3, 6));
    const pages = [];
    for await (const page of client().scanPages({ post_id: 40 }, { limit: 2 })) pages.push(page.images);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 2, 1]);
    expect(pages.flat()).toEqual(scan.images);
    expect(await client().scanAll({ post_id: 40 }, { limit: 3 })).toMatchObject({ images: scan.images, total_count: 7, next_token: null });
    await expect(client().scan({ post_id: 40 }, { limit: 0 })).rejects.toBeInstanceOf(RangeError);
    await expect(client().scan({ post_id: 41 }, { nextToken: first.next_token })).rejects.toMatchObject({ kind: 'validation', code: 'invalid_next_token' });
  });

  it('typed errors: bad token, another user’s image, user_id mismatch, unsupported type, bad name', async () => {
    const forged = client({ token: `${token.slice(0, -4)}AAAA` });
    const e1 = await forged.scan().catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(UnauthorizedError);
    expect(e1).toMatchObject({ status: 401, code: 'unauthorized', kind: 'unauthorized', retryable: false });

    const stranger = createClient({ baseUrl: booted.stack.url, token: await mintToken('45') });
    const mine = await client().uploadPicture(join(dir, 'forest.png'), { post_id: 5, picture_id: 1 });
    await expect(stranger.status(mine.file_name)).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(stranger.obtainUrl(mine.file_name)).rejects.toThrow(/another user/);
    await expect(stranger.delete(mine.file_name)).rejects.toBeInstanceOf(UnauthorizedError);

    const e2 = await client().uploadPicture(join(dir, 'forest.png'), { post_id: 5, picture_id: 1, user_id: 457 }).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(ForbiddenError);
    expect((e2 as Error).message).toMatch(/user_id/);

    const gif = Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(32)]);
    const e3 = await client().uploadPicture(gif, { post_id: 5, picture_id: 2 }).catch((e: unknown) => e);
    expect(e3).toBeInstanceOf(ValidationError);
    expect(e3).toMatchObject({ status: 415, code: 'unsupported_media_type' });
    expect((e3 as Error).message).toMatch(/image\/gif.*accepted: image\/jpeg, image\/png/);

    await expect(client().status('not-a-file-name')).rejects.toMatchObject({ kind: 'validation', code: 'invalid_file_name' });
    await expect(client().scan({ labels: ['beach>>80' as `beach>${number}`] })).rejects.toMatchObject({ kind: 'validation', code: 'invalid_filter' });
    expect(() => ScanQuery.byPost(1).where('beach', '>', 120)).toThrow(RangeError);
  });

  it('a body that is not the registered picture is refused by S3: UploadRefusedError with its code', async () => {
    const honest = solidPng([5, 5, 5]);
    const tampered = Buffer.from(honest);
    const at = tampered.length - 20;
    tampered.writeUInt8(tampered.readUInt8(at) ^ 0xff, at); // same size, another SHA-256
    let reads = 0;
    const shifty: PictureSource = {
      name: 'shifty.png',
      size: honest.length,
      stream: () => new Blob([new Uint8Array(reads++ === 0 ? honest : tampered)]).stream(),
    };
    const e = await client().uploadPicture(shifty, { post_id: 6, picture_id: 1 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UploadRefusedError);
    expect(e).toMatchObject({ status: 400, s3Code: 'BadDigest', retryable: false });
    await expect(client().obtainUrl(`456-${sha256(honest)}.png`)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('waitForAnalysis gives up at its deadline with the last status', async () => {
    const c = client();
    const reg = await c.register({ image_hash: sha256(solidPng([9, 9, 9])), content_type: 'image/png', post_id: 7, user_id: 456, picture_id: 1, post: {} });
    const started = Date.now();
    const e = await c.waitForAnalysis(reg.file_name, { timeoutMs: 400, intervalMs: 50 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AnalysisTimeoutError);
    expect(e).toMatchObject({ lastStatus: 'waiting', fileName: reg.file_name });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('retries 429/5xx and network failures with backoff where safe, and never a 4xx', async () => {
    const retries: string[] = [];
    const onRetry = (i: { operation: string }) => retries.push(i.operation);
    const retry = { baseDelayMs: 5, maxDelayMs: 20 };

    const throttled = flakyFetch((u) => u.includes('/scan'), 2, () => new Response('{"error":"too_many","message":"slow down"}', { status: 429, headers: { 'Retry-After': '0' } }));
    expect((await client({ fetch: throttled, retry, onRetry }).scan()).grouping).toBe('user_id');
    expect(retries).toEqual(['scan', 'scan']);

    const down = flakyFetch((u) => u.includes('/scan'), 10, () => new Response('{"error":"internal_error","message":"boom"}', { status: 502 }));
    const e = await client({ fetch: down, retry: { ...retry, maxAttempts: 3 } }).scan().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ServerError);
    expect(down.calls.filter((c) => c.includes('/scan'))).toHaveLength(3);

    const refusing = flakyFetch((u) => u.includes('/scan'), 10, () => new Response('{"error":"bad_request","message":"no"}', { status: 400 }));
    await expect(client({ fetch: refusing, retry }).scan()).rejects.toBeInstanceOf(ValidationError);
    expect(refusing.calls).toHaveLength(1);

    // The PUT is retried after a dropped connection (the source is read again).
    retries.length = 0;
    const dropping = flakyFetch((_u, init) => init?.method === 'PUT', 1, () => {
      throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
    });
    const up = await client({ fetch: dropping, retry, onRetry }).uploadPicture(solidPng([1, 1, 250]), { post_id: 8, picture_id: 1 });
    expect(up.uploaded).toBe(true);
    expect(retries).toEqual(['upload']);
    expect(dropping.calls.filter((c) => c.startsWith('PUT'))).toHaveLength(2);
  });

  it('NetworkError when nothing answers, after the retries', async () => {
    const closed = await closedPort();
    const nobody = createClient({ baseUrl: `http://127.0.0.1:${closed}`, token, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    const e = await nobody.scan().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NetworkError);
    expect((e as Error).message).toBe(`Could not reach the API at http://127.0.0.1:${closed} (ECONNREFUSED)`);
  });
});
