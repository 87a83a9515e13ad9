import { randomBytes } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUCKET, bodyBytes, startHarness, type Harness } from '../../helpers/local-s3.js';

describe('local S3: ranged GETs answer as S3 does', () => {
  let h: Harness;
  const big = randomBytes(300 * 1024);
  const small = Buffer.from('0123456789');
  beforeAll(async () => {
    h = await startHarness();
    for (const [key, body] of [['big.bin', big], ['small.bin', small], ['empty.bin', Buffer.alloc(0)]] as const) {
      await h.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
    }
  });
  afterAll(() => h.stop());

  const get = (key: string, range: string) => h.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key, Range: range }));
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: { name: string; $metadata?: { httpStatusCode?: number } }) => ({ name: e.name, status: e.$metadata?.httpStatusCode }),
    );

  it.each([
    ['bytes=0-65535', 0, 65535],
    ['bytes=0-0', 0, 0],
    ['bytes=1000-1999', 1000, 1999],
    ['bytes=307000-', 307000, 300 * 1024 - 1],
    ['bytes=-100', 300 * 1024 - 100, 300 * 1024 - 1],
    ['bytes=307100-999999', 307100, 300 * 1024 - 1],
  ])('%s → 206 with exactly those bytes and their Content-Range', async (range, start, end) => {
    const out = await get('big.bin', range);
    expect(out.$metadata.httpStatusCode).toBe(206);
    expect(out.ContentRange).toBe(`bytes ${start}-${end}/${big.length}`);
    expect(out.ContentLength).toBe(end - start + 1);
    expect((await bodyBytes(out.Body)).equals(big.subarray(start, end + 1))).toBe(true);
  });

  it('a range longer than a small object → 206 with the whole object', async () => {
    const out = await get('small.bin', 'bytes=0-65535');
    expect(out.$metadata.httpStatusCode).toBe(206);
    expect(out.ContentRange).toBe('bytes 0-9/10');
    expect((await bodyBytes(out.Body)).toString()).toBe('0123456789');
  });

  it('a range starting past the end, or any range of an empty object → 416 InvalidRange', async () => {
    expect(await failure(get('small.bin', 'bytes=10-20'))).toEqual({ name: 'InvalidRange', status: 416 });
    expect(await failure(get('empty.bin', 'bytes=0-65535'))).toEqual({ name: 'InvalidRange', status: 416 });
  });

  it('a malformed header or several ranges are ignored: 200 with the whole object', async () => {
    for (const range of ['bytes=abc', 'items=0-5', 'bytes=0-1,5-6']) {
      const out = await get('small.bin', range);
      expect(out.$metadata.httpStatusCode).toBe(200);
      expect((await bodyBytes(out.Body)).toString()).toBe('0123456789');
    }
  });

  it('a presigned GET honours a Range header too (browsers resume and seek this way)', async () => {
    const url = await getSignedUrl(h.client, new GetObjectCommand({ Bucket: BUCKET, Key: 'big.bin' }), { expiresIn: 60 });
    const res = await fetch(url, { headers: { Range: 'bytes=10-19' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 10-19/${big.length}`);
    expect(Buffer.from(await res.arrayBuffer()).equals(big.subarray(10, 20))).toBe(true);
  });
});
