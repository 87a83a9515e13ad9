import { randomBytes } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../src/adapters/s3-object-store.js';
import { BUCKET, startHarness, type Harness } from '../helpers/local-s3.js';

/** The S3 adapter with the real SDK client against the local S3 (which verifies SigV4 and answers ranges as S3 does). */
describe('S3ObjectStore.readStart: one ranged GET for the first bytes and the total size', () => {
  let h: Harness;
  let store: S3ObjectStore;
  const big = randomBytes(3 * 1024 * 1024 + 17);
  beforeAll(async () => {
    h = await startHarness();
    store = new S3ObjectStore(h.client, BUCKET);
    for (const [key, body] of [['big', big], ['small', Buffer.from('tiny')], ['empty', Buffer.alloc(0)]] as const) {
      await h.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
    }
  });
  afterAll(() => h.stop());

  it('returns only the first bytes of a large object, with its full size', async () => {
    const { start, size } = await store.readStart('big', 65_536);
    expect(size).toBe(big.length);
    expect(Buffer.from(start).equals(big.subarray(0, 65_536))).toBe(true);
  });

  it('returns the whole of a smaller object, and an empty one as no bytes of size 0 (S3 answers 416 there)', async () => {
    expect(await store.readStart('small', 65_536)).toEqual({ start: new Uint8Array(Buffer.from('tiny')), size: 4 });
    expect(await store.readStart('empty', 65_536)).toEqual({ start: new Uint8Array(0), size: 0 });
  });

  it('a missing object is an error (the analysis step before it skips deleted objects)', async () => {
    await expect(store.readStart('missing', 65_536)).rejects.toMatchObject({ name: 'NoSuchKey' });
  });
});
