import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256, solidPng } from '../helpers/images.js';
import { Api, bootStack, type Booted, type ScanReply } from '../helpers/stack-harness.js';

/** Seven pictures of user "pager": five with Beach (99, 95, 90, 85, 81), two without. */
const BEACH = [99, 95, 90, 85, 81];
const pictures = Array.from({ length: 7 }, (_, i) => solidPng([10 + i * 30, 200, 40]));
const lateFirst = solidPng([1, 2, 250]); // Beach 99.5: sorts before any cursor
const lateLast = solidPng([3, 4, 250]); // Beach 80.5: sorts after every cursor
const q = (s: string) => s.split('&').map((p) => p.split('=').map(encodeURIComponent).join('=')).join('&');

describe('GET /scan pages over HTTP, label index kept by the analyzer and DELETE', () => {
  let booted: Booted;
  let pager: Api;
  const names: string[] = [];

  beforeAll(async () => {
    booted = await bootStack({
      fixture: {
        ...Object.fromEntries(
          pictures.map((p, i) => [sha256(p), i < BEACH.length ? [{ name: 'Beach', confidence: BEACH[i]!, parents: [] }, { name: 'Sky', confidence: 80, parents: [] }] : [{ name: 'City', confidence: 90, parents: [] }]]),
        ),
        [sha256(lateFirst)]: [{ name: 'Beach', confidence: 99.5, parents: [] }],
        [sha256(lateLast)]: [{ name: 'Beach', confidence: 80.5, parents: [] }],
      },
    });
    pager = await Api.as(booted.stack.url, 'pager');
    for (const [i, p] of pictures.entries()) names.push((await pager.upload(p, { user_id: 'pager', post_id: 1 + (i % 2), picture_id: i + 1 })).file_name);
    for (const n of names) await pager.waitFor(n, ['approved']);
  });
  afterAll(() => booted?.stack.stop());

  const pagesOf = async (api: Api, query: string, limit: number) => {
    const pages: ScanReply[] = [];
    let token: string | null = null;
    do {
      const r = await api.scan(`${query ? `${query}&` : ''}limit=${limit}${token ? `&next_token=${encodeURIComponent(token)}` : ''}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      pages.push(r.body);
      token = r.body.next_token;
    } while (token && pages.length < 50);
    return pages;
  };

  it('a label search pages through the matches, best first, without overlap or gap', async () => {
    const all = await pager.scan(q('label=beach>80'));
    expect(all.body).toMatchObject({ total_count: 5, next_token: null });
    expect(all.body.images).toEqual(names.slice(0, 5)); // Beach 99, 95, 90, 85, 81
    for (const limit of [1, 2, 4]) {
      const pages = await pagesOf(pager, q('label=beach>80'), limit);
      expect(pages.flatMap((p) => p.images)).toEqual(all.body.images);
      expect(pages.map((p) => p.total_count)).toEqual(pages.map(() => 5));
      expect(pages.at(-1)!.next_token).toBeNull();
    }
    // Other queries page the same way.
    for (const query of ['', 'post_id=1', q('label=sky<90'), q('post_id=2&label=beach>80')]) {
      const whole = (await pager.scan(query)).body;
      expect((await pagesOf(pager, query, 2)).flatMap((p) => p.images), query).toEqual(whole.images);
    }
  });

  it('images that arrive while paging land before or after the cursor, never twice, and skip none of the others', async () => {
    const first = await pager.scan(`${q('label=beach>80')}&limit=2`);
    expect(first.body.images).toEqual(names.slice(0, 2));
    const a = await pager.upload(lateFirst, { user_id: 'pager', post_id: 9 });
    const b = await pager.upload(lateLast, { user_id: 'pager', post_id: 9 });
    await pager.waitFor(a.file_name, ['approved']);
    await pager.waitFor(b.file_name, ['approved']);
    const rest: string[] = [];
    let token = first.body.next_token;
    while (token) {
      const r = await pager.scan(`${q('label=beach>80')}&limit=2&next_token=${encodeURIComponent(token)}`);
      rest.push(...r.body.images);
      token = r.body.next_token;
    }
    // Beach 99.5 sorts before the cursor (not shown now), Beach 80.5 after it (shown), the rest exactly once.
    expect([...first.body.images, ...rest]).toEqual([...names.slice(0, 5), b.file_name]);
    expect((await pager.scan(q('label=beach>80'))).body.total_count).toBe(7);
  });

  it('reused analyses are indexed for their user; a second post lists the image once; delete and re-upload keep the index right', async () => {
    const other = await Api.as(booted.stack.url, 'pager-friend');
    const theirs = await other.upload(pictures[0]!, { user_id: 'pager-friend', post_id: 5 });
    expect((await other.waitFor(theirs.file_name, ['approved'])).analysis_source).toBe('reused');
    expect((await other.scan(q('label=beach>98'))).body.images).toEqual([theirs.file_name]);

    // The same picture in a second post of its owner: still one search result.
    expect((await pager.register(pictures[0]!, { user_id: 'pager', post_id: 7, picture_id: 70 })).status).toBe(200);
    expect((await pager.scan(q('label=beach>98.9'))).body.images).toEqual([expect.not.stringContaining(names[0]!), names[0]]); // Beach 99.5 (the late one), then 99

    // Delete: gone from the label search (its owner's only), the friend's copy stays.
    expect((await pager.call('DELETE', `/images/${names[0]}`)).status).toBe(204);
    expect((await pager.scan(q('label=beach>98.9'))).body).toMatchObject({ images: [expect.not.stringContaining(names[0]!)], total_count: 1 });
    expect((await other.scan(q('label=beach>98'))).body.images).toEqual([theirs.file_name]);

    // Re-upload: back in the search.
    const back = await pager.upload(pictures[0]!, { user_id: 'pager', post_id: 8 });
    await pager.waitFor(back.file_name, ['approved']);
    expect((await pager.scan(q('label=beach>98.9'))).body.images).toEqual([expect.not.stringContaining(names[0]!), names[0]]);
  });

  it('bad page parameters and tokens: 400 JSON, never 5xx', async () => {
    const first = await pager.scan(`${q('label=beach>80')}&limit=1`);
    const token = first.body.next_token!;
    const stranger = await Api.as(booted.stack.url, 'pager-stranger');
    const cases: [Api, string, string][] = [
      [pager, 'limit=0', 'invalid_limit'],
      [pager, 'limit=1001', 'invalid_limit'],
      [pager, 'limit=abc', 'invalid_limit'],
      [pager, `${q('label=beach>80')}&next_token=${encodeURIComponent(token.slice(0, -6))}`, 'invalid_next_token'],
      [pager, `${q('label=beach>80')}&next_token=${encodeURIComponent(`${token.slice(0, 10)}${token[10] === 'x' ? 'y' : 'x'}${token.slice(11)}`)}`, 'invalid_next_token'],
      [pager, `${q('label=beach>70')}&next_token=${encodeURIComponent(token)}`, 'invalid_next_token'],
      [stranger, `${q('label=beach>80')}&next_token=${encodeURIComponent(token)}`, 'invalid_next_token'],
    ];
    for (const [api, query, code] of cases) {
      const r = await api.scan(query);
      expect(r.status, query).toBe(400);
      expect(r.headers.get('content-type')).toContain('application/json');
      expect(r.body).toEqual({ error: code, message: expect.any(String) });
    }
  });
});
