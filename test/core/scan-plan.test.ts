import { describe, it, expect } from 'vitest';
import { MAX_FILTERS, planScan, scanResponse, type ScanCandidate } from '../../src/core/scan-plan.js';
import { isListed } from '../../src/core/scan-page.js';
import type { LabelFilter } from '../../src/core/label-filter.js';

/** The file names a scan lists, in order (deduplication is collectPage's: test/adapters/dynamodb). */
const selectImages = (records: ScanCandidate[], filters: LabelFilter[], nowMs: number) =>
  records.filter((r) => isListed(r, filters, nowMs)).map((r) => r.file_name);
import type { Label } from '../../src/core/labels.js';
import type { ImageStatus } from '../../src/core/image-record.js';
import { expectDomainError, HASH, HASH2 } from '../helpers/domain-errors.js';

describe('planScan', () => {
  it('with no grouping, groups by the user and its id', () => {
    expect(planScan('456', {})).toEqual({ grouping: 'user_id', groupingId: '456', filters: [] });
  });

  it.each(['post_id', 'trip_id', 'location_id'] as const)('groups by %s', (grouping) => {
    expect(planScan('456', { [grouping]: ['123'] })).toEqual({ grouping, groupingId: 123, filters: [] });
  });

  it('trims the grouping id', () => {
    expect(planScan('456', { trip_id: [' 7 '] }).groupingId).toBe(7);
  });

  it('ignores parameters whose value is undefined', () => {
    expect(planScan('u', { post_id: undefined, label: undefined })).toEqual({ grouping: 'user_id', groupingId: 'u', filters: [] });
  });

  it('parses label=beach>80', () => {
    expect(planScan('456', { label: ['beach>80'] }).filters).toEqual([{ name: 'beach', operator: '>', confidence_threshold: 80 }]);
  });

  it('keeps repeated labels in order, together with a grouping', () => {
    expect(planScan('456', { post_id: ['9'], label: ['Beach>80', 'ocean<90'] })).toEqual({
      grouping: 'post_id',
      groupingId: 9,
      filters: [
        { name: 'beach', operator: '>', confidence_threshold: 80 },
        { name: 'ocean', operator: '<', confidence_threshold: 90 },
      ],
    });
  });

  it.each([
    { post_id: ['1'], trip_id: ['2'] },
    { trip_id: ['1'], location_id: ['2'] },
    { post_id: ['1'], trip_id: ['2'], location_id: ['3'] },
  ])('refuses two or more groupings: %j', (query) => {
    expect(expectDomainError(() => planScan('456', query), 'bad_request').status).toBe(400);
  });

  it('refuses a repeated post_id', () => {
    expect(expectDomainError(() => planScan('456', { post_id: ['1', '2'] }), 'bad_request').status).toBe(400);
    expectDomainError(() => planScan('456', { post_id: ['1', '1'] }), 'bad_request');
    expectDomainError(() => planScan('456', { post_id: [] }), 'bad_request');
  });

  it.each(['0', '-1', '1.5', 'abc', '', '1e3', '0x10', '9007199254740993', '12345678901234567', '١٢'])(
    'refuses post_id=%j',
    (value) => {
      expect(expectDomainError(() => planScan('456', { post_id: [value] }), 'bad_request').status).toBe(400);
    },
  );

  it('accepts the largest safe integer id', () => {
    expect(planScan('456', { location_id: [String(Number.MAX_SAFE_INTEGER)] }).groupingId).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each(['user_id', 'postId', 'Post_id', 'labels', 'Limit', 'nextToken', ''])('refuses the unknown parameter %j', (param) => {
    const err = expectDomainError(() => planScan('456', { [param]: ['1'] }), 'unknown_parameter');
    expect(err.status).toBe(400);
  });

  it('checks unknown parameters even next to valid ones', () => {
    expectDomainError(() => planScan('456', { post_id: ['1'], label: ['beach>80'], user_id: ['999'] }), 'unknown_parameter');
  });

  it.each(['beach>=80', 'beach', '>80', 'beach>101', 'beach>-1', 'beach>abc'])('refuses the malformed filter %j', (raw) => {
    const err = expectDomainError(() => planScan('456', { label: [raw] }), 'invalid_filter');
    expect(err.status).toBe(400);
  });

  it('refuses a malformed filter among valid ones', () => {
    expectDomainError(() => planScan('456', { label: ['beach>80', 'beach'] }), 'invalid_filter');
  });

  it(`accepts ${MAX_FILTERS} filters and refuses more`, () => {
    expect(planScan('456', { label: Array.from({ length: MAX_FILTERS }, (_, i) => `l${i}>1`) }).filters).toHaveLength(MAX_FILTERS);
    expectDomainError(() => planScan('456', { label: Array.from({ length: MAX_FILTERS + 1 }, (_, i) => `l${i}>1`) }), 'invalid_filter');
  });
});

const label = (name: string, confidence: number): Label => ({ name, confidence, parents: [] });
const rec = (file_name: string, status: ImageStatus, labels: Label[] = [], expires_at?: number): ScanCandidate => ({
  file_name,
  status,
  rekognition_results: labels,
  ...(expires_at === undefined ? {} : { expires_at }),
});

const NOW = Date.UTC(2025, 0, 1);
const A = `456-${HASH}.jpg`;
const B = `456-${HASH2}.png`;
const C = `456-${'c'.repeat(64)}.jpg`;
const D = `456-${'d'.repeat(64)}.jpg`;

describe('isListed', () => {
  it('lists uploaded images but not waiting ones', () => {
    const records = [rec(A, 'approved'), rec(B, 'waiting'), rec(C, 'analysing'), rec(D, 'failed')];
    expect(selectImages(records, [], NOW)).toEqual([A, C, D]);
  });

  it('lists rejected and under-review images when unfiltered', () => {
    expect(selectImages([rec(A, 'rejected'), rec(B, 'under_review')], [], NOW)).toEqual([A, B]);
  });

  it('excludes expired records (TTL may delete late)', () => {
    const nowSec = NOW / 1000;
    const records = [rec(A, 'analysing', [], nowSec - 1), rec(B, 'approved', [], nowSec), rec(C, 'approved', [], nowSec + 60)];
    expect(selectImages(records, [], NOW)).toEqual([C]);
  });

  it('with filters keeps only analysed, matching images', () => {
    const beach = [label('Beach', 95)];
    const filters = [{ name: 'beach', operator: '>' as const, confidence_threshold: 80 }];
    const records = [
      rec(A, 'approved', beach),
      rec(B, 'approved', [label('Beach', 70)]),
      rec(C, 'failed', beach),
      rec(D, 'analysing', beach),
    ];
    expect(selectImages(records, filters, NOW)).toEqual([A]);
  });

  it('with an absence filter still requires an analysis', () => {
    const filters = [{ name: 'cat', operator: '<' as const, confidence_threshold: 50 }];
    const records = [rec(A, 'approved', []), rec(B, 'analysing', []), rec(C, 'waiting', []), rec(D, 'rejected', [label('Cat', 95)])];
    expect(selectImages(records, filters, NOW)).toEqual([A]);
  });

  it('AND-s several filters', () => {
    const filters = [
      { name: 'beach', operator: '>' as const, confidence_threshold: 80 },
      { name: 'ocean', operator: '<' as const, confidence_threshold: 90 },
    ];
    const records = [
      rec(A, 'approved', [label('Beach', 95), label('Ocean', 85)]),
      rec(B, 'approved', [label('Beach', 95), label('Ocean', 95)]),
      rec(C, 'under_review', [label('beach', 81)]),
    ];
    expect(selectImages(records, filters, NOW)).toEqual([A, C]);
  });

  it('a duplicate that does not match does not hide one that does', () => {
    const filters = [{ name: 'beach', operator: '>' as const, confidence_threshold: 80 }];
    const records = [rec(A, 'waiting'), rec(A, 'approved', [label('Beach', 90)])];
    expect(selectImages(records, filters, NOW)).toEqual([A]);
  });

  it('returns nothing for no records', () => {
    expect(selectImages([], [], NOW)).toEqual([]);
  });
});

describe('scanResponse', () => {
  it('shapes the API contract response', () => {
    const plan = planScan('456', { post_id: ['123'], label: ['beach>80'] });
    expect(scanResponse(plan, { images: [A, B], totalCount: 7, nextToken: 'tok.en' })).toEqual({
      grouping: 'post_id',
      grouping_id: 123,
      filters: [{ name: 'beach', operator: '>', confidence_threshold: 80 }],
      total_count: 7,
      images: [A, B],
      next_token: 'tok.en',
    });
  });

  it('reports the user id as grouping id with no grouping', () => {
    expect(scanResponse(planScan('456', {}), { images: [], totalCount: 0, nextToken: null })).toEqual({
      grouping: 'user_id',
      grouping_id: '456',
      filters: [],
      total_count: 0,
      images: [],
      next_token: null,
    });
  });
});
