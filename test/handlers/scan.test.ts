import '../helpers/quiet-powertools.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Label } from '../../src/core/labels.js';
import { createScanHandler } from '../../src/handlers/scan.js';
import { startTestDynamo, type TestDynamo } from '../helpers/dynalite-table.js';
import { label } from '../helpers/port-fakes.js';
import { fileNameOf, hashOf, imageKeyOf, registration } from '../helpers/record-builders.js';
import { apiEvent, bodyOf } from '../helpers/lambda-events.js';

const ORIGIN = 'https://app.travellog.example';
let db: TestDynamo;
let handler: ReturnType<typeof createScanHandler>;

/** A registered image of `userId`; uploaded and analysed with `labels` unless `waiting`. */
const seed = async (
  userId: string,
  name: string,
  placement: { post_id: number; trip_id?: number | null; location_id?: number | null },
  labels: Label[] | 'waiting' | 'analysing',
) => {
  const imageHash = hashOf(name);
  const now = Date.now();
  await db.store.register(registration({ userId, imageHash, trip_id: null, location_id: null, ...placement }), now, 3600);
  if (labels !== 'waiting') {
    await db.store.markUploaded({ userId, imageHash, extension: 'jpg' }, 1, now);
    if (labels !== 'analysing') {
      await db.store.applyAnalysis(imageKeyOf(imageHash), userId, { status: 'approved', labels, censoredConfidence: null, source: 'detected' }, now);
      await db.labelIndex.put(imageKeyOf(imageHash), userId, labels); // as the analyzer's label-index step does
    }
  }
  return fileNameOf(userId, imageHash);
};

let img: Record<string, string>;
beforeAll(async () => {
  db = await startTestDynamo('scan');
  handler = createScanHandler({ ...db.env, ALLOWED_ORIGINS: ORIGIN, PAGE_TOKEN_SECRET: 'scan-test-page-token-secret' });
  img = {
    beach: await seed('456', 'beach', { post_id: 123, trip_id: 3, location_id: 5 }, [label('Beach', 97.1, ['Nature']), label('Ocean', 85)]),
    beachCalm: await seed('456', 'beach-calm', { post_id: 123, trip_id: 3, location_id: 6 }, [label('Beach', 88)]),
    desert: await seed('456', 'desert', { post_id: 124, trip_id: 3, location_id: 7 }, [label('Desert', 92), label('Sand', 90)]),
    ocean: await seed('456', 'ocean', { post_id: 125, trip_id: 4, location_id: 5 }, [label('Ocean', 99), label('Beach', 70)]),
    waiting: await seed('456', 'waiting', { post_id: 123, trip_id: 3, location_id: 5 }, 'waiting'),
    analysing: await seed('456', 'analysing', { post_id: 123, trip_id: 3, location_id: 5 }, 'analysing'),
    // Another user with the same post/trip/location ids and the same image.
    othersBeach: await seed('789', 'beach', { post_id: 123, trip_id: 3, location_id: 5 }, [label('Beach', 99)]),
  };
});
afterAll(async () => {
  await db?.close();
});

const scan = (query: [string, string][], userId?: string | null) =>
  handler(apiEvent({ method: 'GET', resource: '/scan', query, headers: { Origin: ORIGIN }, userId }));

const expectError = (r: { statusCode: number; body: string; headers?: Record<string, unknown> }, code: string) => {
  expect(r.statusCode, r.body).toBe(400);
  expect(bodyOf(r)).toEqual({ error: code, message: expect.any(String) });
  expect(r.headers?.['Access-Control-Allow-Origin']).toBe(ORIGIN);
  expect(r.headers?.['Cache-Control']).toBe('no-store');
};

const sorted = (xs: unknown) => [...(xs as string[])].sort();

describe('GET /scan', () => {
  it('groups by post_id: the response shape, uploaded images only, the user only', async () => {
    const r = await scan([['post_id', '123']]);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers).toMatchObject({ 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Access-Control-Allow-Origin': ORIGIN });
    const b = bodyOf(r);
    expect(Object.keys(b).sort()).toEqual(['filters', 'grouping', 'grouping_id', 'images', 'next_token', 'total_count']);
    expect(b.next_token).toBeNull();
    expect(b.grouping).toBe('post_id');
    expect(b.grouping_id).toBe(123);
    expect(b.filters).toEqual([]);
    expect(sorted(b.images)).toEqual(sorted([img.beach, img.beachCalm, img.analysing]));
    expect(b.total_count).toBe(3);
    expect(b.images).not.toContain(img.waiting);
    expect(b.images).not.toContain(img.othersBeach);
  });

  it('groups by trip_id and location_id', async () => {
    const trip = bodyOf(await scan([['trip_id', '3']]));
    expect(trip).toMatchObject({ grouping: 'trip_id', grouping_id: 3 });
    expect(sorted(trip.images)).toEqual(sorted([img.beach, img.beachCalm, img.desert, img.analysing]));
    const loc = bodyOf(await scan([['location_id', '5']]));
    expect(loc).toMatchObject({ grouping: 'location_id', grouping_id: 5 });
    expect(sorted(loc.images)).toEqual(sorted([img.beach, img.ocean, img.analysing]));
  });

  it('without grouping: all the user’s uploaded images, grouping user_id', async () => {
    const b = bodyOf(await scan([]));
    expect(b.grouping).toBe('user_id');
    expect(b.grouping_id).toBe('456');
    expect(sorted(b.images)).toEqual(sorted([img.beach, img.beachCalm, img.desert, img.ocean, img.analysing]));
    expect(b.total_count).toBe(5);
    const other = bodyOf(await scan([], '789'));
    expect(other).toMatchObject({ grouping_id: '789', images: [img.othersBeach], total_count: 1 });
  });

  it('a user without images gets an empty list', async () => {
    expect(bodyOf(await scan([['post_id', '123']], 'nobody'))).toMatchObject({ images: [], total_count: 0 });
  });

  it('label filters: > and <, case-insensitive, AND-ed, analysed images only', async () => {
    const beach80 = bodyOf(await scan([['label', 'beach>80']]));
    expect(beach80.filters).toEqual([{ name: 'beach', operator: '>', confidence_threshold: 80 }]);
    expect(sorted(beach80.images)).toEqual(sorted([img.beach, img.beachCalm]));

    const both = bodyOf(await scan([
      ['label', 'Beach>80'],
      ['label', 'ocean<90'],
    ]));
    expect(both.filters).toEqual([
      { name: 'beach', operator: '>', confidence_threshold: 80 },
      { name: 'ocean', operator: '<', confidence_threshold: 90 },
    ]);
    // beach (Ocean 85 < 90) and beachCalm (no Ocean) — not ocean (Beach 70).
    expect(sorted(both.images)).toEqual(sorted([img.beach, img.beachCalm]));
    expect(both.total_count).toBe(2);

    const strict = bodyOf(await scan([
      ['label', 'beach>80'],
      ['label', 'ocean<80'],
    ]));
    expect(strict.images).toEqual([img.beachCalm]);

    // `<` matches images without the label, but never unanalysed ones.
    const noOcean = bodyOf(await scan([['post_id', '123'], ['label', 'ocean<50']]));
    expect(noOcean.images).toEqual([img.beachCalm]);
    expect(noOcean).toMatchObject({ grouping: 'post_id', grouping_id: 123 });
  });

  it('400 for two groupings', async () => {
    expectError(await scan([['post_id', '1'], ['trip_id', '2']]), 'bad_request');
    expectError(await scan([['trip_id', '1'], ['location_id', '2']]), 'bad_request');
  });

  it('400 for an unknown parameter (a typo never widens a search)', async () => {
    expectError(await scan([['postid', '123']]), 'unknown_parameter');
    expectError(await scan([['post_id', '123'], ['user_id', '789']]), 'unknown_parameter');
  });

  it.each(['beach', 'beach=80', 'beach>', '>80', 'beach>101', 'beach>-1', 'beach>>80', 'beach>abc'])('400 for the malformed filter %s', async (f) => {
    expectError(await scan([['label', f]]), 'invalid_filter');
  });

  it('400 for more than ten label filters', async () => {
    expectError(await scan(Array.from({ length: 11 }, (_, i): [string, string] => ['label', `l${i}>1`])), 'invalid_filter');
    expect((await scan(Array.from({ length: 10 }, (_, i): [string, string] => ['label', `l${i}<1`]))).statusCode).toBe(200);
  });

  it.each([['0'], ['-1'], ['abc'], ['1.5'], ['']])('400 for post_id=%s', async (v) => {
    expectError(await scan([['post_id', v]]), 'bad_request');
  });

  it('pages: limit, next_token, null on the last page, every page the same total_count; together the unpaged answer', async () => {
    for (const query of [[], [['label', 'beach>80']], [['trip_id', '3']], [['label', 'sand<95']]] as [string, string][][]) {
      const all = bodyOf(await scan(query));
      const pages: string[] = [];
      let token: string | null = null;
      do {
        const page = bodyOf(await scan([...query, ['limit', '1'], ...(token ? [['next_token', token] as [string, string]] : [])])) as {
          images: string[];
          total_count: number;
          next_token: string | null;
        };
        expect(page.images.length).toBeLessThanOrEqual(1);
        expect(page.total_count).toBe(all.total_count);
        pages.push(...page.images);
        token = page.next_token;
      } while (token);
      expect(pages, JSON.stringify(query)).toEqual(all.images);
    }
  });

  it('a label-only search lists the best matches first', async () => {
    expect(bodyOf(await scan([['label', 'beach>80']])).images).toEqual([img.beach, img.beachCalm]); // Beach 97.1, then 88
  });

  it.each(['0', '1001', 'abc', '', '-5', '2.5'])('400 invalid_limit for limit=%j', async (v) => {
    expectError(await scan([['limit', v]]), 'invalid_limit');
  });

  it('400 invalid_next_token for a truncated, tampered, foreign or other-query token', async () => {
    const first = bodyOf(await scan([['label', 'beach>80'], ['limit', '1']]));
    const token = first.next_token as string;
    expect(token).toEqual(expect.any(String));
    expect(bodyOf(await scan([['label', 'beach>80'], ['limit', '1'], ['next_token', token]])).images).toEqual([img.beachCalm]);
    const flipped = `${token.slice(0, 5)}${token[5] === 'A' ? 'B' : 'A'}${token.slice(6)}`;
    for (const bad of [token.slice(0, -4), flipped, 'garbage', `${token}.x`]) {
      expectError(await scan([['label', 'beach>80'], ['next_token', bad]]), 'invalid_next_token');
    }
    expectError(await scan([['label', 'beach>80'], ['next_token', token]], '789'), 'invalid_next_token'); // another user's
    expectError(await scan([['label', 'beach>81'], ['next_token', token]]), 'invalid_next_token'); // another query
    expectError(await scan([['post_id', '123'], ['label', 'beach>80'], ['next_token', token]]), 'invalid_next_token');
  });

  it('401 without the authorizer context', async () => {
    const r = await scan([], null);
    expect(r.statusCode).toBe(401);
    expect(bodyOf(r)).toEqual({ error: 'unauthorized', message: expect.any(String) });
  });
});
