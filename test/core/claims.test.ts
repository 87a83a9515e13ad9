import { describe, it, expect } from 'vitest';
import { userIdFromClaims } from '../../src/core/claims.js';

const DEFAULT = ['user_id', 'sub'] as const;

describe('userIdFromClaims', () => {
  it('reads a string user_id', () => {
    expect(userIdFromClaims({ user_id: 'abc-1' }, DEFAULT)).toBe('abc-1');
  });

  it('normalises an integer user_id to its decimal string', () => {
    expect(userIdFromClaims({ user_id: 456 }, DEFAULT)).toBe('456');
    expect(userIdFromClaims({ user_id: 0 }, DEFAULT)).toBe('0');
    expect(userIdFromClaims({ user_id: Number.MAX_SAFE_INTEGER }, DEFAULT)).toBe(String(Number.MAX_SAFE_INTEGER));
  });

  it('prefers the first configured claim', () => {
    expect(userIdFromClaims({ user_id: 1, sub: 'someone' }, DEFAULT)).toBe('1');
    expect(userIdFromClaims({ user_id: 1, sub: 'someone' }, ['sub', 'user_id'])).toBe('someone');
  });

  it('falls back to the next claim when the first is missing or null', () => {
    expect(userIdFromClaims({ sub: 'fallback' }, DEFAULT)).toBe('fallback');
    expect(userIdFromClaims({ user_id: null, sub: 'fallback' }, DEFAULT)).toBe('fallback');
    expect(userIdFromClaims({ user_id: undefined, sub: 7 }, DEFAULT)).toBe('7');
  });

  it('decides on the first present claim: an invalid one is not skipped', () => {
    expect(userIdFromClaims({ user_id: 'not valid', sub: 'ok' }, DEFAULT)).toBeUndefined();
    expect(userIdFromClaims({ user_id: true, sub: 'ok' }, DEFAULT)).toBeUndefined();
  });

  it.each([
    ['negative integer', -1],
    ['fraction', 4.5],
    ['unsafe integer', 2 ** 53],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['boolean', true],
    ['object', { id: 1 }],
    ['array', ['1']],
    ['empty string', ''],
    ['string with space', 'a b'],
    ['string with slash', 'a/b'],
    ['129-char string', 'a'.repeat(129)],
    ['non-ASCII string', 'ü'],
  ])('refuses a %s', (_label, value) => {
    expect(userIdFromClaims({ user_id: value }, DEFAULT)).toBeUndefined();
  });

  it('accepts a 128-character id', () => {
    expect(userIdFromClaims({ sub: 'a'.repeat(128) }, DEFAULT)).toBe('a'.repeat(128));
  });

  it('returns undefined when no configured claim is present', () => {
    expect(userIdFromClaims({}, DEFAULT)).toBeUndefined();
    expect(userIdFromClaims({ email: 'a@b.c', uid: 'x' }, DEFAULT)).toBeUndefined();
    expect(userIdFromClaims({ user_id: 'x' }, [])).toBeUndefined();
  });
});
