import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DomainError } from '../../src/core/errors.js';
import { matchesFilter } from '../../src/core/label-filter.js';
import { labelIndexItems, labelRank, lowestRankAbove } from '../../src/core/label-index.js';
import { decodePageToken, derivePageTokenKey, encodePageToken, MAX_TOKEN_LENGTH, type PagePosition } from '../../src/core/page-token.js';
import { accessPathId, chooseAccessPath, parsePageRequest, pinnedAccessPath, queryFingerprint } from '../../src/core/scan-access.js';
import { planScan } from '../../src/core/scan-plan.js';
import { expectDomainError } from '../helpers/domain-errors.js';

const key = derivePageTokenKey('a-secret-of-at-least-16-chars');
const plan = planScan('456', { label: ['beach>80'] });
const query = queryFingerprint(plan);
const position: PagePosition = { path: 'label:beach>80', after: { label_key: '456#beach', label_rank: '09000#abc.jpg' }, total: 12 };
const token = encodePageToken(key, '456', query, position);

describe('page tokens', () => {
  it('round-trip for the same user and query', () => {
    expect(decodePageToken(key, '456', query, token)).toEqual(position);
    expect(token.length).toBeLessThan(MAX_TOKEN_LENGTH);
  });

  it.each([
    ['another user', () => decodePageToken(key, '457', query, token)],
    ['another query', () => decodePageToken(key, '456', queryFingerprint(planScan('456', { label: ['beach>81'] })), token)],
    ['another grouping', () => decodePageToken(key, '456', queryFingerprint(planScan('456', { post_id: ['1'], label: ['beach>80'] })), token)],
    ['another key (e.g. the raw secret)', () => decodePageToken(Buffer.from('a-secret-of-at-least-16-chars'), '456', query, token)],
    ['a truncated token', () => decodePageToken(key, '456', query, token.slice(0, -3))],
    ['a token cut at the dot', () => decodePageToken(key, '456', query, token.split('.')[0]!)],
    ['an empty string', () => decodePageToken(key, '456', query, '')],
    ['garbage', () => decodePageToken(key, '456', query, '%%%not-a-token')],
    ['a huge string', () => decodePageToken(key, '456', query, 'a'.repeat(100_000) + '.b')],
  ])('refuse %s with 400 invalid_next_token', (_, decode) => {
    expect(expectDomainError(decode, 'invalid_next_token').status).toBe(400);
  });

  it('refuse any edit of the position, even one that stays valid JSON', () => {
    const [body, mac] = token.split('.') as [string, string];
    const edited = Buffer.from(JSON.stringify({ ...position, total: 99 })).toString('base64url');
    expectDomainError(() => decodePageToken(key, '456', query, `${edited}.${mac}`), 'invalid_next_token');
    fc.assert(
      fc.property(fc.nat({ max: token.length - 1 }), fc.constantFrom(...'ABCxyz019-_'), (i, c) => {
        fc.pre(token[i] !== c && token[i] !== '.');
        const tampered = token.slice(0, i) + c + token.slice(i + 1);
        expectDomainError(() => decodePageToken(key, '456', query, tampered), 'invalid_next_token');
      }),
      { numRuns: 300 },
    );
    expect(body.length).toBeGreaterThan(0);
  });

  it('never throw anything but invalid_next_token on arbitrary input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.base64String()), (raw) => {
        expectDomainError(() => decodePageToken(key, '456', query, raw), 'invalid_next_token');
      }),
      { numRuns: 200 },
    );
  });
});

describe('limit and next_token parameters', () => {
  it('default to 1,000 and no token', () => {
    expect(parsePageRequest({})).toEqual({ limit: 1000, nextToken: undefined });
    expect(parsePageRequest({ limit: ['1'], next_token: ['x.y'] })).toEqual({ limit: 1, nextToken: 'x.y' });
    expect(parsePageRequest({ limit: [' 1000 '] }).limit).toBe(1000);
  });

  it.each(['0', '1001', 'abc', '', '-1', '1.5', '1e3', '10000', '٣'])('refuse limit=%j with 400 invalid_limit', (v) => {
    expect(expectDomainError(() => parsePageRequest({ limit: [v] }), 'invalid_limit').status).toBe(400);
  });

  it('refuse a repeated limit or next_token, and an empty token', () => {
    expectDomainError(() => parsePageRequest({ limit: ['1', '2'] }), 'invalid_limit');
    expectDomainError(() => parsePageRequest({ next_token: ['a', 'b'] }), 'invalid_next_token');
    expectDomainError(() => parsePageRequest({ next_token: [''] }), 'invalid_next_token');
  });

  it('answer any limit with a page size or a 400 (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer().map(String)), (v) => {
        try {
          const { limit } = parsePageRequest({ limit: [v] });
          expect(limit).toBeGreaterThanOrEqual(1);
          expect(limit).toBeLessThanOrEqual(1000);
        } catch (e) {
          expect(e).toBeInstanceOf(DomainError);
          expect((e as DomainError).status).toBe(400);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('access path', () => {
  it('takes the grouping index when a grouping is given, whatever the filters', () => {
    expect(chooseAccessPath(planScan('u', { post_id: ['3'], label: ['beach>80'] }))).toEqual({ kind: 'group', grouping: 'post_id', groupingId: 3 });
  });

  it('takes the label index for a > filter, the user index for < filters only', () => {
    expect(chooseAccessPath(planScan('u', { label: ['ocean<90', 'beach>80'] }))).toMatchObject({ kind: 'label', filter: { name: 'beach' } });
    expect(chooseAccessPath(planScan('u', { label: ['ocean<90'] }))).toEqual({ kind: 'user' });
    expect(chooseAccessPath(planScan('u', {}))).toEqual({ kind: 'user' });
  });

  it('among several > filters, the fewest estimated matches, else the highest threshold', () => {
    const p = planScan('u', { label: ['beach>80', 'ocean>95', 'sky>50'] });
    expect(chooseAccessPath(p)).toMatchObject({ filter: { name: 'ocean' } });
    const estimates: Record<string, number> = { beach: 3, ocean: 40, sky: 100 };
    expect(chooseAccessPath(p, (f) => estimates[f.name])).toMatchObject({ filter: { name: 'beach' } });
  });

  it('is pinned by its id, and only to paths the plan can take', () => {
    const p = planScan('u', { label: ['beach>80', 'ocean>95'] });
    const beach = { kind: 'label' as const, filter: p.filters[0]! };
    expect(pinnedAccessPath(p, accessPathId(beach))).toEqual(beach);
    expect(pinnedAccessPath(p, 'user')).toEqual({ kind: 'user' });
    expect(pinnedAccessPath(p, 'label:sky>1')).toBeUndefined();
    expect(pinnedAccessPath(p, 'post_id')).toBeUndefined();
  });
});

describe('label index keys', () => {
  it('rank = the index key condition selects exactly what matchesFilter accepts for > (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }).map((n) => n / 100),
        fc.oneof(fc.integer({ min: 0, max: 100_000_000 }).map((n) => n / 1_000_000), fc.integer({ min: 0, max: 10_000 }).map((n) => n / 100)),
        (confidence, threshold) => {
          const inIndexRange = labelRank(confidence, 'k.jpg') >= lowestRankAbove(threshold);
          expect(inIndexRange).toBe(matchesFilter([{ name: 'x', confidence, parents: [] }], { name: 'x', operator: '>', confidence_threshold: threshold }));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('one item per label name, case-insensitive, at its best confidence', () => {
    const items = labelIndexItems('h.jpg', '456', [
      { name: 'Beach', confidence: 80, parents: [] },
      { name: ' beach ', confidence: 91.25, parents: [] },
      { name: 'Ocean', confidence: 100, parents: [] },
    ]);
    expect(items).toEqual([
      { image_key: 'h.jpg#456', user_id: '#label#beach', label_key: '456#beach', label_rank: '09125#h.jpg' },
      { image_key: 'h.jpg#456', user_id: '#label#ocean', label_key: '456#ocean', label_rank: '10000#h.jpg' },
    ]);
  });
});
