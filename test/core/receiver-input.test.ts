import { describe, it, expect } from 'vitest';
import { MAX_BODY_BYTES, MAX_CONTENT_CHARS, parseReceiverInput } from '../../src/core/receiver-input.js';
import { expectDomainError, HASH } from '../helpers/domain-errors.js';

const valid = () => ({
  image_hash: HASH,
  content_type: 'image/jpeg',
  post_id: 123,
  user_id: 456,
  picture_id: 789,
  post: { trip_id: 3, location_id: 5, content: 'Día increíble en el desierto' },
});

const invalid = (body: unknown) => {
  const err = expectDomainError(() => parseReceiverInput(body), 'validation_error');
  expect(err.status).toBe(400);
  return err;
};

describe('parseReceiverInput', () => {
  it('parses the API contract example', () => {
    expect(parseReceiverInput(valid())).toEqual({
      imageHash: HASH,
      contentType: 'image/jpeg',
      extension: 'jpg',
      userId: '456',
      post_id: 123,
      picture_id: 789,
      trip_id: 3,
      location_id: 5,
      content: 'Día increíble en el desierto',
    });
  });

  it('exposes the API contract limits', () => {
    expect(MAX_BODY_BYTES).toBe(64 * 1024);
    expect(MAX_CONTENT_CHARS).toBe(10_000);
  });

  it('accepts an upper-case hash and stores it lower case', () => {
    const r = parseReceiverInput({ ...valid(), image_hash: HASH.toUpperCase() });
    expect(r.imageHash).toBe(HASH);
    const mixed = 'AbCdEf0123456789'.repeat(4);
    expect(parseReceiverInput({ ...valid(), image_hash: mixed }).imageHash).toBe(mixed.toLowerCase());
  });

  it('maps image/png to png, ignoring case and parameters', () => {
    expect(parseReceiverInput({ ...valid(), content_type: 'image/png' })).toMatchObject({ contentType: 'image/png', extension: 'png' });
    expect(parseReceiverInput({ ...valid(), content_type: 'IMAGE/PNG; charset=binary' })).toMatchObject({
      contentType: 'image/png',
      extension: 'png',
    });
  });

  it.each(['image/gif', 'image/webp', 'text/plain', 'image/jpg', 'application/octet-stream'])(
    'answers 415 for %s, naming the accepted types',
    (contentType) => {
      const err = expectDomainError(() => parseReceiverInput({ ...valid(), content_type: contentType }), 'unsupported_media_type');
      expect(err.status).toBe(415);
      expect(err.message).toContain('image/jpeg');
      expect(err.message).toContain('image/png');
    },
  );

  it('answers 400 (not 415) for an empty content type', () => {
    invalid({ ...valid(), content_type: '' });
  });

  it('normalises a numeric user_id to a string', () => {
    expect(parseReceiverInput({ ...valid(), user_id: 456 }).userId).toBe('456');
    expect(parseReceiverInput({ ...valid(), user_id: 0 }).userId).toBe('0');
  });

  it('keeps a valid string user_id as is', () => {
    expect(parseReceiverInput({ ...valid(), user_id: '456' }).userId).toBe('456');
    expect(parseReceiverInput({ ...valid(), user_id: 'user-45_6' }).userId).toBe('user-45_6');
  });

  it.each([
    ['negative', -1],
    ['fractional', 4.5],
    ['unsafe', 2 ** 53],
    ['string with space', 'a b'],
    ['empty string', ''],
    ['129-char string', 'a'.repeat(129)],
    ['boolean', true],
    ['null', null],
  ])('refuses a %s user_id', (_label, user_id) => {
    invalid({ ...valid(), user_id });
  });

  it('is strict: an unknown top-level field is refused', () => {
    const err = invalid({ ...valid(), extra: 1 });
    expect(err.message).toContain('extra');
  });

  it('is strict: an unknown field inside post is refused', () => {
    invalid({ ...valid(), post: { ...valid().post, title: 'x' } });
  });

  it('accepts content of exactly 10,000 characters and refuses 10,001', () => {
    const ok = parseReceiverInput({ ...valid(), post: { ...valid().post, content: 'x'.repeat(10_000) } });
    expect(ok.content).toHaveLength(10_000);
    invalid({ ...valid(), post: { ...valid().post, content: 'x'.repeat(10_001) } });
  });

  it('refuses non-string content', () => {
    invalid({ ...valid(), post: { ...valid().post, content: 5 } });
  });

  it('requires post (the complete post information; a missing post is a 400)', () => {
    const { post: _post, ...body } = valid();
    expect(invalid(body).message).toContain('post: is required');
  });

  it('defaults a post without fields to nulls and empty content', () => {
    expect(parseReceiverInput({ ...valid(), post: {} })).toMatchObject({ trip_id: null, location_id: null, content: '' });
  });

  it('accepts null or missing trip_id / location_id as null', () => {
    expect(parseReceiverInput({ ...valid(), post: { trip_id: null, content: 'x' } })).toMatchObject({
      trip_id: null,
      location_id: null,
      content: 'x',
    });
  });

  it.each([
    ['post_id', 0],
    ['post_id', -1],
    ['post_id', 1.5],
    ['post_id', '123'],
    ['post_id', null],
    ['post_id', 2 ** 53],
    ['picture_id', 0],
    ['picture_id', '789'],
    ['picture_id', Number.NaN],
  ])('refuses %s = %j', (field, value) => {
    invalid({ ...valid(), [field]: value });
  });

  it.each([
    ['trip_id', 0],
    ['trip_id', -3],
    ['trip_id', '3'],
    ['location_id', 1.5],
    ['location_id', 2 ** 53],
  ])('refuses post.%s = %j', (field, value) => {
    invalid({ ...valid(), post: { ...valid().post, [field]: value } });
  });

  it.each(['image_hash', 'content_type', 'post_id', 'user_id', 'picture_id', 'post'])('requires %s', (field) => {
    const body: Record<string, unknown> = valid();
    delete body[field];
    const err = invalid(body);
    expect(err.message).toContain(field);
  });

  it.each([
    ['63 hex chars', HASH.slice(1)],
    ['65 hex chars', `${HASH}a`],
    ['non-hex', 'z'.repeat(64)],
    ['number', 123],
    ['padded', ` ${HASH}`],
  ])('refuses an image_hash that is %s', (_label, image_hash) => {
    invalid({ ...valid(), image_hash });
  });

  it.each([
    ['null', null],
    ['an array', [valid()]],
    ['a string', JSON.stringify(valid())],
    ['a number', 5],
    ['undefined', undefined],
  ])('refuses a body that is %s', (_label, body) => {
    invalid(body);
  });

  it('refuses post: null', () => {
    invalid({ ...valid(), post: null });
  });
});

describe('content types are looked up as own keys only', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('415 for %s', (ct) => {
    const body = { image_hash: 'ab'.repeat(32), content_type: ct, post_id: 1, user_id: 1, picture_id: 1, post: {} };
    expectDomainError(() => parseReceiverInput(body), 'unsupported_media_type');
  });
});
