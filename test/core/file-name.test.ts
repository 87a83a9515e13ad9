import { describe, it, expect } from 'vitest';
import {
  CONTENT_TYPES,
  EXTENSIONS,
  contentTypeOf,
  formatFileName,
  formatImageKey,
  hashToChecksum,
  isValidUserId,
  parseFileName,
  parseImageKey,
  tryParseFileName,
} from '../../src/core/file-name.js';
import { expectDomainError, HASH, HASH2 } from '../helpers/domain-errors.js';

describe('content types', () => {
  it('maps exactly image/jpeg → jpg and image/png → png', () => {
    expect(CONTENT_TYPES).toEqual({ 'image/jpeg': 'jpg', 'image/png': 'png' });
    expect([...EXTENSIONS].sort()).toEqual(['jpg', 'png']);
    expect(contentTypeOf('jpg')).toBe('image/jpeg');
    expect(contentTypeOf('png')).toBe('image/png');
  });
});

describe('isValidUserId', () => {
  it.each(['456', 'a', 'user_1', 'user-1', '45-6', '-', '_', 'A'.repeat(128)])('accepts %s', (id) => {
    expect(isValidUserId(id)).toBe(true);
  });
  it.each(['', 'a b', 'a/b', 'a.b', 'ü', 'A'.repeat(129), '456\n', 'a+b'])('rejects %j', (id) => {
    expect(isValidUserId(id)).toBe(false);
  });
});

describe('formatFileName / formatImageKey', () => {
  it('formats "<user_id>-<image_hash>.<ext>"', () => {
    expect(formatFileName({ userId: '456', imageHash: HASH, extension: 'jpg' })).toBe(`456-${HASH}.jpg`);
    expect(formatFileName({ userId: '45-6', imageHash: HASH, extension: 'png' })).toBe(`45-6-${HASH}.png`);
  });
  it('formats the partition key "<image_hash>.<ext>" without the user', () => {
    expect(formatImageKey({ imageHash: HASH, extension: 'png' })).toBe(`${HASH}.png`);
  });
});

describe('parseFileName', () => {
  it('parses a jpg file name', () => {
    expect(parseFileName(`456-${HASH}.jpg`)).toEqual({ userId: '456', imageHash: HASH, extension: 'jpg' });
  });

  it('parses a png file name', () => {
    expect(parseFileName(`abc_DEF-${HASH2}.png`)).toEqual({ userId: 'abc_DEF', imageHash: HASH2, extension: 'png' });
  });

  it('keeps dashes inside the user id (right-anchored)', () => {
    expect(parseFileName(`45-6-${HASH}.jpg`).userId).toBe('45-6');
    expect(parseFileName(`--${HASH}.jpg`).userId).toBe('-');
  });

  it('handles a user id that itself ends in 64 hex characters', () => {
    expect(parseFileName(`u-${HASH}-${HASH2}.jpg`)).toEqual({ userId: `u-${HASH}`, imageHash: HASH2, extension: 'jpg' });
  });

  it('never lets "45" own "456-…" or "45-6-…"', () => {
    expect(parseFileName(`456-${HASH}.jpg`).userId).not.toBe('45');
    expect(parseFileName(`45-6-${HASH}.jpg`).userId).not.toBe('45');
  });

  it('accepts a 128-character user id and rejects a 129-character one', () => {
    expect(parseFileName(`${'u'.repeat(128)}-${HASH}.jpg`).userId).toBe('u'.repeat(128));
    expect(tryParseFileName(`${'u'.repeat(129)}-${HASH}.jpg`)).toBeUndefined();
  });

  it.each([
    ['empty string', ''],
    ['missing user id', `-${HASH}.jpg`],
    ['missing dash', `456${HASH}.jpg`],
    ['upper-case hash (file names are lower case)', `456-${HASH.toUpperCase()}.jpg`],
    ['63-hex hash', `456-${HASH.slice(1)}.jpg`],
    ['65-hex hash', `456-a${HASH}.jpg`],
    ['non-hex hash', `456-${'g'.repeat(64)}.jpg`],
    ['gif extension', `456-${HASH}.gif`],
    ['jpeg extension', `456-${HASH}.jpeg`],
    ['upper-case extension', `456-${HASH}.JPG`],
    ['no extension', `456-${HASH}`],
    ['trailing newline', `456-${HASH}.jpg\n`],
    ['trailing text', `456-${HASH}.jpg.exe`],
    ['path in user id', `a/b-${HASH}.jpg`],
    ['space in user id', `a b-${HASH}.jpg`],
    ['non-ASCII user id', `ü-${HASH}.jpg`],
    ['leading slash', `/456-${HASH}.jpg`],
    ['very long name', `${'x'.repeat(300)}-${HASH}.jpg`],
  ])('rejects %s', (_label, name) => {
    expect(tryParseFileName(name)).toBeUndefined();
    const err = expectDomainError(() => parseFileName(name), 'invalid_file_name');
    expect(err.status).toBe(400);
  });
});

describe('parseImageKey', () => {
  it('parses "<hash>.<ext>"', () => {
    expect(parseImageKey(`${HASH}.png`)).toEqual({ imageHash: HASH, extension: 'png' });
    expect(parseImageKey(`${HASH}.jpg`)).toEqual({ imageHash: HASH, extension: 'jpg' });
  });
  it.each([`456-${HASH}.jpg`, `${HASH}.gif`, `${HASH.toUpperCase()}.jpg`, HASH, `${HASH}.jpg `])('rejects %s', (key) => {
    expect(parseImageKey(key)).toBeUndefined();
  });
});

describe('hashToChecksum', () => {
  it('turns a SHA-256 hex digest into the base64 form S3 checks', () => {
    // SHA-256 of the empty string.
    expect(hashToChecksum('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')).toBe(
      '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=',
    );
  });
});
