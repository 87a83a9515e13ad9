import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  apiErrorFor,
  backoffDelay,
  DEFAULT_RETRY,
  ForbiddenError,
  formatLabelFilter,
  hexToBase64,
  NotFoundError,
  parseS3Error,
  RateLimitedError,
  ScanQuery,
  ServerError,
  createWasmHasher,
  sniffContentType,
  UnauthorizedError,
  userIdFromToken,
  ValidationError,
} from '../../client/src/index.js';

const nodeSha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('SHA-256 in WebAssembly (the browser entry’s incremental hash)', () => {
  it('matches the standard vectors', async () => {
    const hex = async (s: string) => {
      const h = await createWasmHasher();
      await h.update(new TextEncoder().encode(s));
      return h.digestHex();
    };
    expect(await hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(await hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
    const million = await createWasmHasher();
    const a = new Uint8Array(1000).fill(0x61);
    for (let i = 0; i < 1000; i++) await million.update(a);
    expect(await million.digestHex()).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });

  it('agrees with node:crypto for any bytes split into any chunks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), fc.array(fc.nat(700), { maxLength: 8 }), async (bytes, cuts) => {
        const h = await createWasmHasher();
        let at = 0;
        for (const cut of [...cuts].sort((x, y) => x - y)) {
          const end = Math.min(bytes.length, cut);
          if (end > at) await h.update(bytes.subarray(at, end));
          at = Math.max(at, end);
        }
        await h.update(bytes.subarray(at));
        return (await h.digestHex()) === nodeSha(bytes);
      }),
      { numRuns: 300 },
    );
  });

  it('hex → the base64 of x-amz-checksum-sha256', () => {
    const b = new TextEncoder().encode('x');
    expect(hexToBase64(nodeSha(b))).toBe(createHash('sha256').update(b).digest('base64'));
  });
});

describe('ScanQuery', () => {
  it('builds the query string of each grouping and its filters', () => {
    expect(ScanQuery.all().toString()).toBe('');
    expect(ScanQuery.byPost(3).where('beach', '>', 80).where('ocean', '<', 90.5).toString()).toBe('post_id=3&label=beach%3E80&label=ocean%3C90.5');
    expect(ScanQuery.from({ trip_id: 5, labels: ['cat<50', ['Dog', '>', 0]] }).toString()).toBe('trip_id=5&label=cat%3C50&label=Dog%3E0');
    expect(ScanQuery.from({ location_id: 7 }).grouping).toEqual({ name: 'location_id', id: 7 });
    const q = ScanQuery.byTrip(1);
    q.where('x', '>', 1);
    expect(q.labels).toEqual([]); // immutable
  });

  it('refuses what the API would refuse, before sending', () => {
    expect(() => ScanQuery.byPost(0)).toThrow(RangeError);
    expect(() => ScanQuery.byPost(1.5)).toThrow(RangeError);
    expect(() => formatLabelFilter(['beach', '>', 101])).toThrow(/between 0 and 100/);
    expect(() => formatLabelFilter(['be>ach', '>', 1])).toThrow(/label name/);
    // Two groupings do not compile; at run time they are refused too.
    // @ts-expect-error at most one grouping
    expect(() => ScanQuery.from({ post_id: 1, trip_id: 2 })).toThrow(/At most one/);
  });
});

describe('errors, retries, tokens, sniffing', () => {
  it('maps each status to its class with the server’s code and message', () => {
    expect(apiErrorFor(401, { error: 'unauthorized', message: 'no' })).toBeInstanceOf(UnauthorizedError);
    expect(apiErrorFor(403, { error: 'forbidden', message: 'no' })).toBeInstanceOf(ForbiddenError);
    expect(apiErrorFor(404, {})).toBeInstanceOf(NotFoundError);
    for (const s of [400, 413, 415]) expect(apiErrorFor(s, { error: 'x', message: 'why' })).toBeInstanceOf(ValidationError);
    expect(apiErrorFor(429, {})).toBeInstanceOf(RateLimitedError);
    expect(apiErrorFor(503, 'Service Unavailable')).toMatchObject({ kind: 'server', code: 'http_503', message: 'HTTP 503', retryable: true });
    expect(apiErrorFor(500, {})).toBeInstanceOf(ServerError);
    expect(apiErrorFor(415, { error: 'unsupported_media_type', message: 'accepted: image/jpeg' })).toMatchObject({ retryable: false, message: 'accepted: image/jpeg' });
  });

  it('reads S3 XML errors', () => {
    expect(parseS3Error('<?xml version="1.0"?><Error><Code>BadDigest</Code><Message>The SHA256 &amp; co</Message></Error>')).toEqual({ code: 'BadDigest', message: 'The SHA256 & co' });
    expect(parseS3Error('garbage').code).toBe('Unknown');
  });

  it('backs off exponentially with full jitter, capped', () => {
    expect(backoffDelay(0, DEFAULT_RETRY, () => 0.999)).toBe(199);
    expect(backoffDelay(3, DEFAULT_RETRY, () => 0.5)).toBe(800);
    expect(backoffDelay(20, DEFAULT_RETRY, () => 1)).toBe(DEFAULT_RETRY.maxDelayMs);
    expect(backoffDelay(5, DEFAULT_RETRY, () => 0)).toBe(0);
  });

  it('reads the user id of a token like the authorizer (first present claim)', () => {
    const jwt = (p: object) => `h.${Buffer.from(JSON.stringify(p)).toString('base64url')}.s`;
    expect(userIdFromToken(jwt({ user_id: 456, sub: 'x' }))).toBe(456);
    expect(userIdFromToken(jwt({ sub: 'ana-1' }))).toBe('ana-1');
    expect(userIdFromToken(jwt({ uid: 'z' }), ['uid'])).toBe('z');
    expect(userIdFromToken('garbage')).toBeUndefined();
    expect(userIdFromToken(jwt({ name: 'ñandú' }))).toBeUndefined();
  });

  it('sniffs JPEG and PNG (and names what the API refuses)', () => {
    expect(sniffContentType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffContentType(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('image/png');
    expect(sniffContentType(new TextEncoder().encode('GIF89a'))).toBe('image/gif');
    expect(sniffContentType(new TextEncoder().encode('hello'))).toBeUndefined();
  });
});
