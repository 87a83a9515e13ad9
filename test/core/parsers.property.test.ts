// Over 300 lines: the property-based tests of every parser (file names, receiver bodies, label filters, scan plans, claims) and their shared arbitraries.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { DomainError } from '../../src/core/errors.js';
import {
  EXTENSIONS,
  USER_ID_PATTERN,
  formatFileName,
  parseFileName,
  tryParseFileName,
  type Extension,
} from '../../src/core/file-name.js';
import { matchesFilter, parseLabelFilter, type LabelFilter } from '../../src/core/label-filter.js';
import { parseReceiverInput } from '../../src/core/receiver-input.js';
import { GROUPINGS, planScan } from '../../src/core/scan-plan.js';
import { userIdFromClaims } from '../../src/core/claims.js';
import { moderate, type ModerationPolicy } from '../../src/core/moderation.js';
import type { Label } from '../../src/core/labels.js';
import { HASH } from '../helpers/domain-errors.js';

const RUNS = { numRuns: 300 };

/** Calls fn; passes when it returns or throws a 4xx DomainError, fails on anything else. */
const onlyDomainErrors = (fn: () => unknown): void => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    const { status } = e as DomainError;
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
  }
};

// ---------- arbitraries ----------

const anyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom('a', 'Z', '0', '9', 'f', '-', '_', '.', '/', ' ', '>', '<', '=', '\n', '%') }),
);

const USER_ID_CHARS = [...'abcXYZ0123456789_-'];
/** Valid user ids, biased towards containing '-' (the hard case for right-anchored parsing). */
const userIdArb = fc.oneof(
  fc.stringMatching(USER_ID_PATTERN),
  fc.string({ unit: fc.constantFrom(...USER_ID_CHARS), minLength: 1, maxLength: 128 }),
  fc.array(fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 1, maxLength: 64 }), { minLength: 1, maxLength: 3 })
    .map((parts) => parts.join('-'))
    .filter((s) => s.length <= 128),
);
const hashArb = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 });
const extArb = fc.constantFrom<Extension>(...EXTENSIONS);

/** Strings shaped like file names, some valid, many near-misses. */
const fileNameLike = fc
  .tuple(
    fc.oneof(userIdArb, anyString),
    fc.constantFrom('-', '', '--', '_'),
    fc.oneof(hashArb, hashArb.map((h) => h.toUpperCase()), hashArb.map((h) => h.slice(1)), anyString),
    fc.constantFrom('.jpg', '.png', '.gif', '.JPG', '', '.jpg\n', '.jpeg'),
  )
  .map(([u, sep, h, e]) => `${u}${sep}${h}${e}`);

/** Strings shaped like label filters. */
const filterLike = fc
  .tuple(
    fc.oneof(anyString, fc.constantFrom('beach', 'Sea Lion', '')),
    fc.constantFrom('>', '<', '>=', '=', '<>', '', ' > '),
    fc.oneof(
      fc.integer({ min: -200, max: 2000 }).map(String),
      fc.double({ noNaN: true }).map(String),
      anyString,
    ),
  )
  .map(([n, op, v]) => `${n}${op}${v}`);

const QUERY_KEYS = [...GROUPINGS, 'label'];
const queryValue = fc.oneof(
  fc.integer({ min: -5, max: 1_000_000 }).map(String),
  fc.constantFrom('9007199254740991', '9007199254740992', '1.5', ' 3 ', '', '0'),
  filterLike,
  anyString,
);
const queryArb = fc.dictionary(
  fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...QUERY_KEYS) }, { weight: 1, arbitrary: anyString }),
  fc.option(fc.array(queryValue, { maxLength: 12 }), { nil: undefined }),
  { maxKeys: 5 },
);

const validBody = {
  image_hash: HASH,
  content_type: 'image/jpeg',
  post_id: 123,
  user_id: 456,
  picture_id: 789,
  post: { trip_id: 3, location_id: 5, content: 'x' },
};
/** A valid body with some fields replaced by arbitrary values, dropped, or joined by extras. */
const mutatedBody = fc
  .record({
    image_hash: fc.oneof(fc.constant(validBody.image_hash), hashArb.map((h) => h.toUpperCase()), fc.anything()),
    content_type: fc.oneof(fc.constantFrom('image/jpeg', 'image/png', 'image/gif', 'IMAGE/PNG; q=1', ''), fc.anything()),
    post_id: fc.oneof(fc.integer(), fc.double(), fc.anything()),
    user_id: fc.oneof(fc.integer(), userIdArb, fc.anything()),
    picture_id: fc.oneof(fc.nat(), fc.anything()),
    post: fc.oneof(
      fc.record(
        {
          trip_id: fc.oneof(fc.constant(null), fc.integer(), fc.anything()),
          location_id: fc.oneof(fc.constant(null), fc.nat(), fc.anything()),
          content: fc.oneof(fc.string(), fc.anything()),
        },
        { requiredKeys: [] },
      ),
      fc.anything(),
    ),
  }, { requiredKeys: [] })
  .chain((body) =>
    fc.option(fc.dictionary(anyString, fc.anything(), { maxKeys: 2 }), { nil: undefined }).map((extra) => ({ ...extra, ...body })),
  );

// ---------- never anything but a 4xx DomainError ----------

describe('parsers only ever throw 4xx DomainErrors', () => {
  it('parseFileName / tryParseFileName on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(anyString, fileNameLike), (s) => {
        onlyDomainErrors(() => parseFileName(s));
        const parsed = tryParseFileName(s);
        if (parsed !== undefined) {
          expect(USER_ID_PATTERN.test(parsed.userId)).toBe(true);
          expect(parsed.imageHash).toMatch(/^[0-9a-f]{64}$/);
          expect(EXTENSIONS).toContain(parsed.extension);
          expect(formatFileName(parsed)).toBe(s);
        }
      }),
      RUNS,
    );
  });

  it('parseLabelFilter on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(anyString, filterLike), (s) => {
        onlyDomainErrors(() => {
          const f = parseLabelFilter(s);
          expect(['>', '<']).toContain(f.operator);
          expect(f.confidence_threshold).toBeGreaterThanOrEqual(0);
          expect(f.confidence_threshold).toBeLessThanOrEqual(100);
          expect(f.name).toBe(f.name.toLowerCase());
          expect(f.name.length).toBeGreaterThan(0);
        });
      }),
      RUNS,
    );
  });

  it('parseReceiverInput on fc.anything()', () => {
    fc.assert(fc.property(fc.anything({ withBigInt: true, withMap: true, withSet: true, withDate: true, withTypedArray: true, withNullPrototype: true, withObjectString: true, withBoxedValues: true, withSparseArray: true }), (body) => {
      onlyDomainErrors(() => parseReceiverInput(body));
    }), RUNS);
  });

  it('parseReceiverInput on JSON values and JSON-parsed text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.json().map((t) => JSON.parse(t) as unknown)), (body) => {
        onlyDomainErrors(() => parseReceiverInput(body));
      }),
      RUNS,
    );
  });

  it('parseReceiverInput on mutated valid bodies; successes are well-formed', () => {
    fc.assert(
      fc.property(mutatedBody, (body) => {
        onlyDomainErrors(() => {
          const r = parseReceiverInput(body);
          expect(r.imageHash).toMatch(/^[0-9a-f]{64}$/);
          expect(EXTENSIONS).toContain(r.extension);
          expect(USER_ID_PATTERN.test(r.userId)).toBe(true);
          expect(Number.isSafeInteger(r.post_id) && r.post_id > 0).toBe(true);
          expect(Number.isSafeInteger(r.picture_id) && r.picture_id > 0).toBe(true);
          expect(typeof r.content).toBe('string');
        });
      }),
      RUNS,
    );
  });

  it('planScan on query records with random keys and value arrays', () => {
    fc.assert(
      fc.property(userIdArb, queryArb, (userId, query) => {
        onlyDomainErrors(() => {
          const plan = planScan(userId, query);
          const given = Object.entries(query).filter(([, v]) => v !== undefined).map(([k]) => k);
          expect(given.every((k) => QUERY_KEYS.includes(k))).toBe(true);
          const groupings = given.filter((k) => (GROUPINGS as readonly string[]).includes(k));
          expect(groupings.length).toBeLessThanOrEqual(1);
          if (groupings.length === 0) {
            expect(plan).toMatchObject({ grouping: 'user_id', groupingId: userId });
          } else {
            expect(plan.grouping).toBe(groupings[0]);
            expect(Number.isSafeInteger(plan.groupingId) && (plan.groupingId as number) > 0).toBe(true);
          }
          expect(plan.filters).toHaveLength(query.label?.length ?? 0);
        });
      }),
      RUNS,
    );
  });

  it('userIdFromClaims never throws and returns only valid ids', () => {
    const claimsArb = fc.oneof(
      fc.dictionary(anyString, fc.anything(), { maxKeys: 5 }),
      fc.record({ user_id: fc.anything(), sub: fc.anything() }, { requiredKeys: [] }),
      fc.record({ user_id: fc.oneof(fc.integer(), fc.double(), userIdArb, anyString), sub: fc.oneof(fc.integer(), anyString) }, { requiredKeys: [] }),
      fc.object().map((o) => o as Record<string, unknown>),
    );
    const claimNames = fc.oneof(fc.constant(['user_id', 'sub']), fc.array(fc.oneof(anyString, fc.constantFrom('user_id', 'sub')), { maxLength: 4 }));
    fc.assert(
      fc.property(claimsArb, claimNames, (claims, names) => {
        onlyDomainErrors(() => {
          const id = userIdFromClaims(claims, names);
          if (id !== undefined) expect(USER_ID_PATTERN.test(id)).toBe(true);
        });
      }),
      RUNS,
    );
  });
});

// ---------- file names ----------

describe('file names', () => {
  it('formatFileName ∘ parseFileName round-trips', () => {
    fc.assert(
      fc.property(userIdArb, hashArb, extArb, (userId, imageHash, extension) => {
        const name = formatFileName({ userId, imageHash, extension });
        expect(parseFileName(name)).toEqual({ userId, imageHash, extension });
        expect(formatFileName(parseFileName(name))).toBe(name);
      }),
      RUNS,
    );
  });

  it('round-trips user ids that end in 64 hex characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...USER_ID_CHARS), minLength: 1, maxLength: 63 }), hashArb, hashArb, extArb, (p, h1, h2, ext) => {
        const userId = `${p}-${h1}`;
        expect(parseFileName(formatFileName({ userId, imageHash: h2, extension: ext })).userId).toBe(userId);
      }),
      RUNS,
    );
  });

  it('a user id never owns the file of a longer id it prefixes', () => {
    fc.assert(
      fc.property(userIdArb, fc.string({ unit: fc.constantFrom(...USER_ID_CHARS), minLength: 1, maxLength: 20 }), hashArb, extArb, (a, suffix, h, ext) => {
        const b = `${a}${suffix}`;
        fc.pre(b.length <= 128);
        const parsed = parseFileName(formatFileName({ userId: b, imageHash: h, extension: ext }));
        expect(parsed.userId).toBe(b);
        expect(parsed.userId).not.toBe(a);
      }),
      RUNS,
    );
  });

  it('"45" owns neither "456-<hash>.jpg" nor "45-6-<hash>.jpg"', () => {
    expect(parseFileName(`456-${HASH}.jpg`).userId).toBe('456');
    expect(parseFileName(`45-6-${HASH}.jpg`).userId).toBe('45-6');
    expect(parseFileName(`45-${HASH}.jpg`).userId).toBe('45');
  });
});

// ---------- label filters ----------

const NAMES = ['beach', 'sea lion', 'cat', 'ocean'];
const confidenceArb = fc.oneof(fc.integer({ min: 0, max: 100 }), fc.double({ min: 0, max: 100, noNaN: true }));
const labelsArb = fc.array(
  fc.record({ name: fc.mixedCase(fc.constantFrom(...NAMES)), confidence: confidenceArb, parents: fc.constant<string[]>([]) }),
  { maxLength: 6 },
);
const filterArb: fc.Arbitrary<LabelFilter> = fc.record({
  name: fc.mixedCase(fc.constantFrom(...NAMES)),
  operator: fc.constantFrom<'>' | '<'>('>', '<'),
  confidence_threshold: confidenceArb,
});

describe('matchesFilter', () => {
  it('">" iff present with confidence > threshold; "<" iff absent or < threshold (case-insensitive)', () => {
    fc.assert(
      fc.property(labelsArb, filterArb, (labels: Label[], f) => {
        const seen = labels.filter((l) => l.name.toLowerCase() === f.name.toLowerCase()).map((l) => l.confidence);
        const expected =
          f.operator === '>' ? seen.some((c) => c > f.confidence_threshold) : seen.every((c) => c < f.confidence_threshold);
        expect(matchesFilter(labels, f)).toBe(expected);
      }),
      RUNS,
    );
  });

  it('agrees with filters parsed from "<name><op><value>" text', () => {
    fc.assert(
      fc.property(labelsArb, fc.mixedCase(fc.constantFrom(...NAMES)), fc.constantFrom('>', '<'), fc.integer({ min: 0, max: 100 }), (labels: Label[], name, op, t) => {
        const f = parseLabelFilter(`${name}${op}${t}`);
        expect(f).toEqual({ name: name.toLowerCase(), operator: op, confidence_threshold: t });
        const seen = labels.filter((l) => l.name.toLowerCase() === name.toLowerCase()).map((l) => l.confidence);
        expect(matchesFilter(labels, f)).toBe(op === '>' ? seen.some((c) => c > t) : seen.every((c) => c < t));
      }),
      RUNS,
    );
  });
});

// ---------- moderation ----------

const round2 = (n: number) => Math.round(n * 100) / 100;
const policyArb: fc.Arbitrary<ModerationPolicy> = fc
  .tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), fc.mixedCase(fc.constantFrom('cat', 'beach')))
  .map(([minConfidence, a, b, censoredLabel]) => ({
    minConfidence,
    censoredLabel,
    underReviewThreshold: Math.min(a, b),
    rejectedThreshold: Math.max(a, b),
  }));

describe('moderate', () => {
  it('status follows the censored label; stored labels are exactly those ≥ minConfidence, highest first', () => {
    fc.assert(
      fc.property(labelsArb, policyArb, (detected: Label[], p) => {
        const r = moderate(detected, p);
        const censored = detected.filter((l) => l.name.toLowerCase() === p.censoredLabel.toLowerCase()).map((l) => l.confidence);
        const top = censored.length ? Math.max(...censored) : undefined;
        const expectedStatus =
          top !== undefined && top >= p.rejectedThreshold
            ? 'rejected'
            : top !== undefined && top >= p.underReviewThreshold
              ? 'under_review'
              : 'approved';
        expect(r.status).toBe(expectedStatus);
        expect(r.censoredConfidence).toBe(top ?? null);

        const key = (l: { name: string; confidence: number }) => `${l.name}@${l.confidence}`;
        const expectedStored = detected.filter((l) => l.confidence >= p.minConfidence).map((l) => key({ name: l.name, confidence: round2(l.confidence) }));
        expect(r.labels.map(key).sort()).toEqual(expectedStored.sort());
        for (const l of r.labels) expect(l.confidence).toBeGreaterThanOrEqual(p.minConfidence);
        for (let i = 1; i < r.labels.length; i++) expect(r.labels[i - 1]!.confidence).toBeGreaterThanOrEqual(r.labels[i]!.confidence);
      }),
      RUNS,
    );
  });

  it('sees the censored label below minConfidence: cat at 60, min 75, under-review 50', () => {
    const r = moderate(
      [
        { name: 'Cat', confidence: 60, parents: ['Animal'] },
        { name: 'Beach', confidence: 90, parents: [] },
      ],
      { minConfidence: 75, censoredLabel: 'cat', rejectedThreshold: 90, underReviewThreshold: 50 },
    );
    expect(r.status).toBe('under_review');
    expect(r.labels.map((l) => l.name)).not.toContain('Cat');
    expect(r.labels.map((l) => l.name)).toEqual(['Beach']);
  });
});
