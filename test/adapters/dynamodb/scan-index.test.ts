import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoLabelIndex } from '../../../src/adapters/dynamodb/label-index.js';
import { DynamoScanIndex } from '../../../src/adapters/dynamodb/scan-index.js';
import { matchesAll, type LabelFilter } from '../../../src/core/label-filter.js';
import { labelItemsPartition } from '../../../src/core/label-index.js';
import { derivePageTokenKey } from '../../../src/core/page-token.js';
import { parsePageRequest } from '../../../src/core/scan-access.js';
import { planScan, type ScanPlan } from '../../../src/core/scan-plan.js';
import type { ImageStatus } from '../../../src/core/image-record.js';
import { scanPage } from '../../../src/app/scan-page.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../src/local/constants.js';
import { startTestDynamo, type TestDynamo } from '../../helpers/dynalite-table.js';
import { label } from '../../helpers/port-fakes.js';
import { countingDocumentClient, type ReadCount } from '../../helpers/read-counter.js';
import { seedFileName, seedImageKey, seedImages, type SeedImage } from '../../helpers/scan-seed.js';

let db: TestDynamo;
let reads: ReadCount;
let index: DynamoScanIndex;
const tokenKey = derivePageTokenKey('scan-index-test-secret');

beforeAll(async () => {
  db = await startTestDynamo('scan-index');
  const counting = countingDocumentClient({ endpoint: db.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  reads = counting.reads;
  index = new DynamoScanIndex(counting.doc, db.tableName);
});
afterAll(async () => {
  await db?.close();
});

const run = (userId: string, query: Record<string, string[]>, page: Record<string, string[]> = {}) =>
  scanPage({ index, tokenKey }, userId, planScan(userId, query), parsePageRequest(page), Date.now());

/** Every page of a query, following next_token. */
const allPages = async (userId: string, query: Record<string, string[]>, limit: number) => {
  const pages = [];
  let token: string | null | undefined;
  do {
    const page = await run(userId, query, { limit: [String(limit)], ...(token ? { next_token: [token] } : {}) });
    pages.push(page);
    token = page.nextToken;
  } while (token && pages.length < 1000);
  return pages;
};

const image = (userId: string, seed: string, o: Partial<SeedImage> = {}): SeedImage => ({
  userId,
  seed,
  status: 'approved',
  labels: [],
  posts: [{ post_id: 1, trip_id: null, location_id: null }],
  createdAt: Date.now(),
  ...o,
});

describe('DynamoLabelIndex', () => {
  it('writes one item per label in the (image, user) partition, rewrites only what changed, and removes them', async () => {
    const labels = new DynamoLabelIndex(db.doc, db.tableName);
    const key = seedImageKey(image('li', 'one'));
    expect(await labels.put(key, 'li', [label('Beach', 97.1), label('Ocean', 85), label('beach', 60)])).toEqual({ written: 2, removed: 0 });
    const items = async () =>
      (
        await db.doc.send(
          new QueryCommand({ TableName: db.tableName, KeyConditionExpression: 'image_key = :p', ExpressionAttributeValues: { ':p': labelItemsPartition(key, 'li') } }),
        )
      ).Items ?? [];
    expect((await items()).map((i) => [i.user_id, i.label_key, i.label_rank])).toEqual([
      ['#label#beach', 'li#beach', `09710#${key}`],
      ['#label#ocean', 'li#ocean', `08500#${key}`],
    ]);
    // A re-run writes nothing; changed labels replace the stale ones.
    expect(await labels.put(key, 'li', [label('Beach', 97.1), label('Ocean', 85)])).toEqual({ written: 0, removed: 0 });
    expect(await labels.put(key, 'li', [label('Beach', 97.1), label('Sand', 80)])).toEqual({ written: 1, removed: 1 });
    expect((await items()).map((i) => i.user_id)).toEqual(['#label#beach', '#label#sand']);
    // The other user's copy of the same image has its own partition.
    await labels.put(key, 'other', [label('Beach', 50)]);
    expect(await labels.remove(key, 'li')).toBe(2);
    expect(await items()).toEqual([]);
    expect(await labels.remove(key, 'li')).toBe(0);
    expect(await labels.remove(key, 'other')).toBe(1);
  });
});

describe('label-only scans read only the matches', () => {
  const MATCHES = 10;
  const measure = async (userId: string, size: number) => {
    const t0 = Date.now() - size * 1000;
    await seedImages(
      db.doc,
      db.tableName,
      Array.from({ length: size }, (_, i) =>
        image(userId, `${userId}-${i}`, {
          createdAt: t0 + i * 1000,
          labels: i < MATCHES ? [label('Beach', 90 + (i % 5)), label('Sky', 80)] : [label('Beach', 70 - (i % 10)), label('Sky', 80)],
          posts: [{ post_id: 1 + (i % 10), trip_id: 1, location_id: null }],
        }),
      ),
    );
    reads.reset();
    const page = await run(userId, { label: ['beach>80'] });
    expect(page.images).toHaveLength(MATCHES);
    expect(page.totalCount).toBe(MATCHES);
    expect(page.nextToken).toBeNull();
    return { items: reads.items, calls: reads.calls };
  };

  it('at 100 and 1,000 images of the user: at most 2 × matches + 2, the same at both sizes', async () => {
    const small = await measure('reads-100', 100);
    const large = await measure('reads-1000', 1000);
    expect(small.items).toBeLessThanOrEqual(2 * MATCHES + 2);
    expect(large.items).toBe(small.items);
    // The same search on the user index would read every image: the index is what makes it flat.
    reads.reset();
    const withLessThan = await run('reads-1000', { label: ['sky<90'] });
    expect(withLessThan.images).toHaveLength(1000);
    expect(reads.items).toBeGreaterThanOrEqual(1000);
  });

  it('a page of 3 of the 10 matches reads about 2 × 3, and the token pages on', async () => {
    reads.reset();
    const first = await run('reads-1000', { label: ['beach>80'] }, { limit: ['3'] });
    expect(first.images).toHaveLength(3);
    expect(first.totalCount).toBe(MATCHES); // from one Select COUNT on the same key condition
    expect(reads.items).toBeLessThanOrEqual(2 * 4 + MATCHES);
    const rest = await allPages('reads-1000', { label: ['beach>80'] }, 3);
    expect(rest.flatMap((p) => p.images)).toHaveLength(MATCHES);
  });
});

describe('paging by a grouping', () => {
  it('lists an image in two posts of one trip once, also when a page ends between its two placements', async () => {
    const both = [
      { post_id: 1, trip_id: 7, location_id: null },
      { post_id: 2, trip_id: 7, location_id: null },
    ];
    const images = ['a', 'b', 'c'].map((s) => image('trip-dup', `trip-dup-${s}`, { posts: both }));
    await seedImages(db.doc, db.tableName, images);
    const unpaged = await run('trip-dup', { trip_id: ['7'] });
    expect([...unpaged.images].sort()).toEqual(images.map(seedFileName).sort());
    for (const limit of [1, 2]) {
      const pages = await allPages('trip-dup', { trip_id: ['7'] }, limit);
      expect(pages.flatMap((p) => p.images)).toEqual(unpaged.images);
    }
  });
});

// ------------------------------------------------------------------------------------------------
// Property: paging through any query returns exactly the unpaged answer.

const VOCABULARY = ['Beach', 'Ocean', 'Sky', 'Cat'];
const STATUSES: ImageStatus[] = ['approved', 'approved', 'under_review', 'rejected', 'waiting', 'analysing', 'failed'];
const arbImage = fc.record({
  status: fc.constantFrom(...STATUSES),
  labels: fc.uniqueArray(fc.record({ name: fc.constantFrom(...VOCABULARY), confidence: fc.integer({ min: 5000, max: 10000 }).map((n) => n / 100) }), {
    selector: (l) => l.name,
    maxLength: 4,
  }),
  posts: fc.uniqueArray(fc.record({ post_id: fc.integer({ min: 1, max: 3 }), trip_id: fc.option(fc.integer({ min: 1, max: 2 })), location_id: fc.option(fc.integer({ min: 1, max: 2 })) }), {
    selector: (p) => p.post_id,
    minLength: 1,
    maxLength: 2,
  }),
  sameTime: fc.boolean(),
});
const arbFilter = fc.tuple(fc.constantFrom(...VOCABULARY), fc.constantFrom('>', '<'), fc.constantFrom(50, 75, 80.5, 90, 99.99)).map(([n, o, v]) => `${n.toLowerCase()}${o}${v}`);
const arbQuery = fc.record(
  {
    grouping: fc.constantFrom(undefined, 'post_id', 'trip_id', 'location_id'),
    id: fc.integer({ min: 1, max: 3 }),
    filters: fc.array(arbFilter, { maxLength: 3 }),
  },
  { requiredKeys: ['grouping', 'id', 'filters'] },
);

/** The answer computed from the seeded data alone. */
const expected = (images: SeedImage[], plan: ScanPlan): string[] =>
  images
    .filter((i) => i.status !== 'waiting')
    .filter((i) => plan.grouping === 'user_id' || i.posts.some((p) => p[plan.grouping] === plan.groupingId))
    .filter((i) => !plan.filters.length || (['approved', 'under_review', 'rejected'].includes(i.status) && matchesAll(i.labels, plan.filters as LabelFilter[])))
    .map(seedFileName);

let runNumber = 0;
describe('paging (fast-check, on dynalite)', () => {
  it('pages concatenate to the unpaged answer: no overlap, no gap, total_count = all matches, null token last', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbImage, { minLength: 0, maxLength: 14 }), arbQuery, fc.integer({ min: 1, max: 5 }), async (spec, q, limit) => {
        const userId = `prop-${runNumber++}`;
        const t0 = Date.now();
        const images = spec.map((s, i) =>
          image(userId, `${userId}-${i}`, {
            status: s.status,
            labels: s.labels.map((l) => label(l.name, l.confidence)),
            posts: s.posts.map((p) => ({ post_id: p.post_id, trip_id: p.trip_id, location_id: p.location_id })),
            createdAt: s.sameTime ? t0 : t0 + i, // equal created_at: ties in the user index
          }),
        );
        // Another user with the same ids and images must never show up.
        await seedImages(db.doc, db.tableName, [...images, ...images.map((i) => ({ ...i, userId: `${userId}-x` }))]);
        const query: Record<string, string[]> = { ...(q.grouping ? { [q.grouping]: [String(q.id)] } : {}), ...(q.filters.length ? { label: q.filters } : {}) };
        const plan = planScan(userId, query);
        const unpaged = await run(userId, query);
        expect(unpaged.nextToken).toBeNull();
        expect([...unpaged.images].sort()).toEqual(expected(images, plan).sort());
        const pages = await allPages(userId, query, limit);
        const paged = pages.flatMap((p) => p.images);
        expect(paged).toEqual(unpaged.images);
        expect(pages.every((p) => p.totalCount === unpaged.images.length)).toBe(true);
        expect(pages.at(-1)!.nextToken).toBeNull();
        expect(pages.slice(0, -1).every((p) => p.images.length === limit && p.nextToken)).toBe(true);
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
