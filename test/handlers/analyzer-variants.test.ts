import '../helpers/quiet-powertools.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Env } from '../../src/config.js';
import { createAnalyzer } from '../../src/handlers/analyzer.js';
import { REKOGNITION_MAX_S3_BYTES } from '../../src/core/variants.js';
import { startTestDynamo, type TestDynamo } from '../helpers/dynalite-table.js';
import { notAnImage } from '../helpers/images.js';
import { CountingDetector, label, MemoryObjectStore } from '../helpers/port-fakes.js';
import { fileNameOf, hashOf, imageKeyOf, registration } from '../helpers/record-builders.js';
import { noiseJpeg, twoColourJpeg } from '../helpers/variant-images.js';
import { lambdaContext, s3Notification, s3Record, sqsEvent, sqsRecord } from '../helpers/lambda-events.js';

const BUCKET = 'travellog-images-variants';
let db: TestDynamo;
let env: Env;
beforeAll(async () => {
  db = await startTestDynamo('analyzer-variants');
  env = { ...db.env, IMAGES_BUCKET_NAME: BUCKET, ANALYZER_MAX_RECEIVE_COUNT: '3', ANALYSIS_WAIT_SECONDS: '5' };
});
afterAll(() => db?.close());

const upload = (fileName: string, size: number, o: { receiveCount?: number; messageId?: string } = {}) =>
  sqsRecord(s3Notification(s3Record({ bucket: BUCKET, key: fileName, size })), o);
const register = (userId: string, imageHash: string) => db.store.register(registration({ userId, imageHash }), Date.now(), 3600);
const record = (userId: string, imageHash: string) => db.store.get(imageKeyOf(imageHash), userId, Date.now());

describe('analyzer: variants, once per distinct image', () => {
  it('makes thumb and preview with the detection, stores them at shared keys, lists them on each record and reuses them', async () => {
    const objects = new MemoryObjectStore(BUCKET);
    const imageHash = hashOf('variants-shared');
    const original = await twoColourJpeg(2400, 1200);
    for (const user of ['alice', 'bob']) {
      await register(user, imageHash);
      objects.add(fileNameOf(user, imageHash), original);
    }
    const detector = new CountingDetector({ [imageHash]: [label('Beach', 91)] });
    const analyzer = createAnalyzer(env, { detector, objects });
    expect((await analyzer(sqsEvent(upload(fileNameOf('alice', imageHash), original.length)), lambdaContext())).batchItemFailures).toEqual([]);
    expect((await analyzer(sqsEvent(upload(fileNameOf('bob', imageHash), original.length)), lambdaContext())).batchItemFailures).toEqual([]);

    const key = imageKeyOf(imageHash);
    expect(objects.calls.put).toEqual([`variants/${key}/thumb.jpg`, `variants/${key}/preview.jpg`]); // once, not per user
    expect(detector.calls).toHaveLength(1);
    const expected = {
      thumb: { width: 320, height: 160, content_type: 'image/jpeg', bytes: objects.bodies.get(`variants/${key}/thumb.jpg`)!.body.byteLength },
      preview: { width: 1600, height: 800, content_type: 'image/jpeg', bytes: objects.bodies.get(`variants/${key}/preview.jpg`)!.body.byteLength },
    };
    expect(await record('alice', imageHash)).toMatchObject({ status: 'approved', analysis_source: 'detected', variants: expected });
    expect(await record('bob', imageHash)).toMatchObject({ status: 'approved', analysis_source: 'reused', variants: expected });
    expect((await record('alice', imageHash))?.moderation).toBeUndefined();
  });

  it('an upload that is not an image ends failed on its first receive with invalid_image; nothing is detected or retried', async () => {
    const objects = new MemoryObjectStore(BUCKET);
    const imageHash = hashOf('text-named-jpg');
    await register('456', imageHash);
    const junk = notAnImage('variants');
    objects.add(fileNameOf('456', imageHash), junk);
    const detector = new CountingDetector();
    const r = await createAnalyzer(env, { detector, objects })(sqsEvent(upload(fileNameOf('456', imageHash), junk.length, { receiveCount: 1, messageId: 'm1' })), lambdaContext());
    expect(r.batchItemFailures).toEqual([]);
    expect(detector.calls).toEqual([]);
    expect(await record('456', imageHash)).toMatchObject({ status: 'failed', failure_reason: 'invalid_image: The file is not a JPEG or PNG image.' });
  });

  it('a truncated JPEG is invalid_image within one attempt', async () => {
    const objects = new MemoryObjectStore(BUCKET);
    const imageHash = hashOf('truncated-jpeg');
    await register('456', imageHash);
    const jpeg = await noiseJpeg(400, 300);
    objects.add(fileNameOf('456', imageHash), jpeg.subarray(0, jpeg.length >> 1));
    const r = await createAnalyzer(env, { detector: new CountingDetector(), objects })(sqsEvent(upload(fileNameOf('456', imageHash), jpeg.length >> 1)), lambdaContext());
    expect(r.batchItemFailures).toEqual([]);
    expect((await record('456', imageHash))?.failure_reason).toMatch(/^invalid_image: /);
  });

  it('an original over 15 MB is detected on its preview, so it still gets labels', async () => {
    const objects = new MemoryObjectStore(BUCKET);
    const imageHash = hashOf('over-15-mb');
    await register('456', imageHash);
    // A real JPEG padded past Rekognition's S3 limit (bytes after EOI are ignored by decoders).
    const jpeg = await twoColourJpeg(3000, 2000);
    const big = Buffer.concat([jpeg, Buffer.alloc(REKOGNITION_MAX_S3_BYTES + 1 - jpeg.length)]);
    objects.add(fileNameOf('456', imageHash), big);
    const detector = new CountingDetector({ [imageHash]: [label('Cat', 95)] });
    const r = await createAnalyzer(env, { detector, objects })(sqsEvent(upload(fileNameOf('456', imageHash), big.length)), lambdaContext());
    expect(r.batchItemFailures).toEqual([]);
    expect(detector.calls.map((c) => c.image.key)).toEqual([`variants/${imageKeyOf(imageHash)}/preview.jpg`]);
    expect(await record('456', imageHash)).toMatchObject({
      status: 'rejected',
      moderation: { label: 'cat', confidence: 95, threshold: 90 },
    });
  });
});
