// Over 300 lines: the analyzer's behaviour end to end on one dynalite table (once per distinct image, reuse, moderation, failures, stale notifications); each suite builds on the same fixtures.
import '../helpers/quiet-powertools.js';
import type { SQSBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Env } from '../../src/config.js';
import { createAnalyzer, createRecordHandler, decodeS3Key, type AnalyzerDeps } from '../../src/handlers/analyzer.js';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { labelItemsPartition } from '../../src/core/label-index.js';
import { startTestDynamo, type TestDynamo } from '../helpers/dynalite-table.js';
import { CountingDetector, label, MemoryObjectStore } from '../helpers/port-fakes.js';
import { fileNameOf, hashOf, imageKeyOf, registration } from '../helpers/record-builders.js';
import { lambdaContext, s3Notification, s3Record, s3TestEvent, sqsEvent, sqsRecord } from '../helpers/lambda-events.js';
import { ImageNotAnalysableError } from '../../src/ports/label-detector.js';

const BUCKET = 'travellog-images-test';
const POLICY = { minConfidence: 75, censoredLabel: 'cat', rejectedThreshold: 90, underReviewThreshold: 50 };

let db: TestDynamo;
let env: Env;
beforeAll(async () => {
  db = await startTestDynamo('analyzer');
  env = { ...db.env, IMAGES_BUCKET_NAME: BUCKET, ANALYZER_MAX_RECEIVE_COUNT: '3', ANALYSIS_WAIT_SECONDS: '5' };
});
afterAll(async () => {
  await db?.close();
});

/** Every object is present unless the test deletes it (a stale notification). */
const objects = new MemoryObjectStore(BUCKET);
objects.exists = async (key: string) => !deletedObjects.has(key);
const deletedObjects = new Set<string>();

const deps = (detector: CountingDetector, o: Partial<AnalyzerDeps> = {}): AnalyzerDeps => ({
  records: db.store,
  labelIndex: db.labelIndex,
  objects,
  detector,
  bucket: BUCKET,
  policy: POLICY,
  maxReceiveCount: 3,
  leaseSeconds: 60,
  waitSeconds: 5,
  ...o,
});

/** The SQS message S3 sends for an upload of `fileName`. */
const uploadMessage = (fileName: string, o: { receiveCount?: number; messageId?: string; bucket?: string; size?: number } = {}) =>
  sqsRecord(s3Notification(s3Record({ bucket: o.bucket ?? BUCKET, key: fileName, size: o.size ?? 2048 })), o);

const register = async (userId: string, imageHash: string, post_id = 1) =>
  db.store.register(registration({ userId, imageHash, post_id }), Date.now(), 3600);

const record = (userId: string, imageHash: string) => db.store.get(imageKeyOf(imageHash), userId, Date.now());

const runBatch = async (detector: CountingDetector, ...messages: ReturnType<typeof sqsRecord>[]): Promise<SQSBatchResponse> =>
  createAnalyzer(env, { detector, objects })(sqsEvent(...messages), lambdaContext());

describe('analyzer: one upload', () => {
  it('analyses a registered upload: labels ≥ MIN_CONFIDENCE, highest first, approved, detected', async () => {
    const imageHash = hashOf('analyse-one');
    await register('456', imageHash);
    const detector = new CountingDetector({
      [imageHash]: [label('Ocean', 80.456), label('Beach', 97.123, ['Nature']), label('Sky', 60), label('Cat', 40)],
    });
    await createRecordHandler(deps(detector))(uploadMessage(fileNameOf('456', imageHash), { size: 5000 }));

    expect(detector.calls).toEqual([{ image: { bucket: BUCKET, key: fileNameOf('456', imageHash), imageHash }, minConfidence: 50 }]);
    expect(await record('456', imageHash)).toMatchObject({
      status: 'approved',
      rekognition_results: [
        { name: 'Beach', confidence: 97.12, parents: ['Nature'] },
        { name: 'Ocean', confidence: 80.46, parents: [] },
      ],
      analysis_source: 'detected',
      object_size: 5000,
      censored_confidence: null,
      post_id: 1,
    });
    expect((await record('456', imageHash))!.expires_at).toBeUndefined();
  });

  it('records and analyses an upload the receiver never saw', async () => {
    const imageHash = hashOf('no-receiver-record');
    const detector = new CountingDetector({ [imageHash]: [label('Mountain', 88)] });
    await createRecordHandler(deps(detector))(uploadMessage(fileNameOf('u-77', imageHash)));
    expect(await record('u-77', imageHash)).toMatchObject({ status: 'approved', rekognition_results: [label('Mountain', 88)] });
  });

  it('a duplicate notification of an analysed image calls nothing and changes nothing', async () => {
    const imageHash = hashOf('duplicate');
    await register('456', imageHash);
    const detector = new CountingDetector({ [imageHash]: [label('Beach', 90)] });
    const handle = createRecordHandler(deps(detector));
    await handle(uploadMessage(fileNameOf('456', imageHash)));
    const before = await record('456', imageHash);
    await handle(uploadMessage(fileNameOf('456', imageHash)));
    expect(detector.calls).toHaveLength(1);
    expect(await record('456', imageHash)).toEqual(before);
  });

  it('moderation: cat ≥ 90 → rejected', async () => {
    const imageHash = hashOf('cat-95');
    await register('456', imageHash);
    const detector = new CountingDetector({ [imageHash]: [label('Cat', 95, ['Animal', 'Pet']), label('Sofa', 80)] });
    await createRecordHandler(deps(detector))(uploadMessage(fileNameOf('456', imageHash)));
    expect(await record('456', imageHash)).toMatchObject({
      status: 'rejected',
      censored_confidence: 95,
      rekognition_results: [label('Cat', 95, ['Animal', 'Pet']), label('Sofa', 80)],
    });
  });

  it('moderation: cat 60 with MIN_CONFIDENCE 75 → under_review, and Cat is not a stored label', async () => {
    const imageHash = hashOf('cat-60');
    await register('456', imageHash);
    const detector = new CountingDetector({ [imageHash]: [label('Cat', 60), label('Garden', 90)] });
    await createRecordHandler(deps(detector))(uploadMessage(fileNameOf('456', imageHash)));
    expect(detector.calls[0]!.minConfidence).toBe(50); // detected down to the under-review threshold
    const r = await record('456', imageHash);
    expect(r).toMatchObject({ status: 'under_review', censored_confidence: 60, rekognition_results: [label('Garden', 90)] });
    expect(r!.rekognition_results.map((l) => l.name)).not.toContain('Cat');
  });

  it('moderation thresholds and label come from the environment', async () => {
    const imageHash = hashOf('dog-env');
    await register('456', imageHash);
    const detector = new CountingDetector({ [imageHash]: [label('Dog', 70), label('Park', 65)] });
    const r = await runBatch(
      detector,
      uploadMessage(fileNameOf('456', imageHash)),
    );
    expect(r.batchItemFailures).toEqual([]);
    expect((await record('456', imageHash))?.status).toBe('approved'); // default: cat

    const imageHash2 = hashOf('dog-env-2');
    await register('456', imageHash2);
    const detector2 = new CountingDetector({ [imageHash2]: [label('Dog', 70), label('Park', 65)] });
    await createAnalyzer({ ...env, CENSORED_LABEL: 'DOG', CENSORED_REJECTED_THRESHOLD: '95', CENSORED_UNDER_REVIEW_THRESHOLD: '60', MIN_CONFIDENCE: '64' }, {
      detector: detector2,
      objects,
    })(sqsEvent(uploadMessage(fileNameOf('456', imageHash2))), lambdaContext());
    expect(detector2.calls[0]!.minConfidence).toBe(60);
    expect(await record('456', imageHash2)).toMatchObject({
      status: 'under_review',
      rekognition_results: [label('Dog', 70), label('Park', 65)],
    });
  });
});

describe('analyzer: one detection per distinct image', () => {
  it("reuses another user's finished analysis: no second detection", async () => {
    const imageHash = hashOf('reuse-across-users');
    await register('alice', imageHash);
    await register('bob', imageHash, 9);
    const detector = new CountingDetector({ [imageHash]: [label('Beach', 97, ['Nature']), label('Cat', 55)] });
    const handle = createRecordHandler(deps(detector));
    await handle(uploadMessage(fileNameOf('alice', imageHash)));
    await handle(uploadMessage(fileNameOf('bob', imageHash)));

    expect(detector.calls).toHaveLength(1);
    const alice = await record('alice', imageHash);
    const bob = await record('bob', imageHash);
    expect(alice).toMatchObject({ analysis_source: 'detected', status: 'under_review' });
    expect(bob).toMatchObject({ analysis_source: 'reused', status: 'under_review', censored_confidence: 55, post_id: 9 });
    expect(bob!.rekognition_results).toEqual(alice!.rekognition_results);
  });

  it('reuses the analysis after the only record was deleted and the image uploaded again', async () => {
    const imageHash = hashOf('reuse-after-delete');
    await register('carol', imageHash);
    const detector = new CountingDetector({ [imageHash]: [label('Beach', 97)] });
    const handle = createRecordHandler(deps(detector));
    await handle(uploadMessage(fileNameOf('carol', imageHash)));
    await db.store.remove(imageKeyOf(imageHash), 'carol', Date.now());
    await register('carol', imageHash);
    await handle(uploadMessage(fileNameOf('carol', imageHash)));
    expect(detector.calls).toHaveLength(1);
    expect(await record('carol', imageHash)).toMatchObject({ status: 'approved', analysis_source: 'reused', rekognition_results: [label('Beach', 97)] });
  });

  it('concurrent uploads of one new image by five users: exactly one detection', async () => {
    const imageHash = hashOf('concurrent-uploads');
    const users = ['u1', 'u2', 'u3', 'u4', 'u5'];
    for (const u of users) await register(u, imageHash);
    const detector = new CountingDetector({ [imageHash]: [label('Beach', 97)] }, 300);
    const handle = createRecordHandler(deps(detector));
    await Promise.all(users.map((u) => handle(uploadMessage(fileNameOf(u, imageHash)))));

    expect(detector.calls).toHaveLength(1);
    const records = await Promise.all(users.map((u) => record(u, imageHash)));
    for (const r of records) expect(r).toMatchObject({ status: 'approved', rekognition_results: [label('Beach', 97)] });
    expect(records.filter((r) => r!.analysis_source === 'detected')).toHaveLength(1);
    expect(records.filter((r) => r!.analysis_source === 'reused')).toHaveLength(4);
  });

  it('the same concurrency through the batch function (one SQS batch, five messages)', async () => {
    const imageHash = hashOf('concurrent-batch');
    const users = ['b1', 'b2', 'b3', 'b4', 'b5'];
    for (const u of users) await register(u, imageHash);
    const detector = new CountingDetector({ [imageHash]: [label('Beach', 97)] }, 300);
    const r = await runBatch(detector, ...users.map((u) => uploadMessage(fileNameOf(u, imageHash))));
    expect(r.batchItemFailures).toEqual([]);
    expect(detector.calls).toHaveLength(1);
    for (const u of users) expect((await record(u, imageHash))?.status).toBe('approved');
  });
});

describe('analyzer: the label index', () => {
  const labelItems = async (userId: string, imageHash: string) =>
    (
      await db.doc.send(
        new QueryCommand({
          TableName: db.tableName,
          KeyConditionExpression: 'image_key = :p',
          ExpressionAttributeValues: { ':p': labelItemsPartition(imageKeyOf(imageHash), userId) },
        }),
      )
    ).Items?.map((i) => [i.label_key, i.label_rank]) ?? [];

  it('indexes the stored labels for each user, a reused analysis too (only those ≥ MIN_CONFIDENCE)', async () => {
    const imageHash = hashOf('index-both-users');
    await register('ivy', imageHash);
    await register('jon', imageHash);
    const detector = new CountingDetector({ [imageHash]: [label('Beach', 97.5), label('Sky', 60)] });
    const handle = createRecordHandler(deps(detector));
    await handle(uploadMessage(fileNameOf('ivy', imageHash)));
    await handle(uploadMessage(fileNameOf('jon', imageHash)));
    expect(detector.calls).toHaveLength(1);
    expect(await labelItems('ivy', imageHash)).toEqual([['ivy#beach', `09750#${imageKeyOf(imageHash)}`]]);
    expect(await labelItems('jon', imageHash)).toEqual([['jon#beach', `09750#${imageKeyOf(imageHash)}`]]);
  });

  it('a copy deleted while its labels were being indexed keeps no index items', async () => {
    const imageHash = hashOf('index-delete-race');
    await register('kim', imageHash);
    const detector = new CountingDetector({ [imageHash]: [label('Beach', 90)] });
    // The DELETE lands right after the verdict is stored, before the index step writes.
    const racing: AnalyzerDeps['labelIndex'] = {
      put: async (k, u, l) => {
        await db.store.remove(k, u, Date.now());
        await db.labelIndex.remove(k, u);
        return db.labelIndex.put(k, u, l);
      },
      remove: (k, u) => db.labelIndex.remove(k, u),
    };
    await createRecordHandler(deps(detector, { labelIndex: racing }))(uploadMessage(fileNameOf('kim', imageHash)));
    expect(await record('kim', imageHash)).toBeUndefined();
    expect(await labelItems('kim', imageHash)).toEqual([]);
  });
});

describe('analyzer: failures and retries', () => {
  it('a detector error on an early receive leaves the record analysing and returns the message', async () => {
    const imageHash = hashOf('throttled-early');
    await register('456', imageHash);
    const detector = new CountingDetector({ [imageHash]: [label('Beach', 97)] });
    detector.fail = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const msg = uploadMessage(fileNameOf('456', imageHash), { receiveCount: 1, messageId: 'early-1' });
    const r = await runBatch(detector, msg);
    expect(r.batchItemFailures).toEqual([{ itemIdentifier: 'early-1' }]);
    expect(await record('456', imageHash)).toMatchObject({ status: 'analysing' });
    expect((await record('456', imageHash))!.failure_reason).toBeUndefined();

    // The retry (second receive) succeeds: the failed claim does not block a new detection.
    detector.fail = undefined;
    const again = await runBatch(detector, uploadMessage(fileNameOf('456', imageHash), { receiveCount: 2, messageId: 'early-1' }));
    expect(again.batchItemFailures).toEqual([]);
    expect(detector.calls).toHaveLength(2);
    expect(await record('456', imageHash)).toMatchObject({ status: 'approved', analysis_source: 'detected' });
  });

  it('a transient error on the last receive marks the record failed with a plain reason (the internal text stays in the log)', async () => {
    const imageHash = hashOf('failed-last');
    await register('456', imageHash);
    const detector = new CountingDetector();
    detector.fail = () => Object.assign(new Error('Request has invalid image format'), { name: 'InvalidImageFormatException' });
    const r = await runBatch(detector, uploadMessage(fileNameOf('456', imageHash), { receiveCount: 3, messageId: 'last-3' }));
    expect(r.batchItemFailures).toEqual([{ itemIdentifier: 'last-3' }]);
    const rec = await record('456', imageHash);
    expect(rec).toMatchObject({ status: 'failed' });
    expect(rec!.failure_reason).toBe('analysis_failed: The image could not be analysed after several attempts; upload it again later.');
    expect((await db.store.getAnalysis(imageKeyOf(imageHash)))?.state).toBe('failed');
  });

  it("the detector's own permanent refusal ends the record failed on the first receive, without a retry", async () => {
    const imageHash = hashOf('rekognition-refuses');
    await register('456', imageHash);
    const detector = new CountingDetector();
    detector.fail = () => new ImageNotAnalysableError('InvalidImageFormatException: Request has invalid image format');
    const r = await runBatch(detector, uploadMessage(fileNameOf('456', imageHash), { receiveCount: 1, messageId: 'first-1' }));
    expect(r.batchItemFailures).toEqual([]); // consumed: no retry loop for what cannot heal
    expect(await record('456', imageHash)).toMatchObject({ status: 'failed', failure_reason: 'invalid_image: The file is not a JPEG or PNG image.' });
  });

  it('partial batch: only the bad message is reported', async () => {
    const good1 = hashOf('batch-good-1');
    const good2 = hashOf('batch-good-2');
    await register('456', good1);
    await register('456', good2);
    const detector = new CountingDetector({ [good1]: [label('Beach', 90)], [good2]: [label('Ocean', 90)] });
    const r = await runBatch(
      detector,
      uploadMessage(fileNameOf('456', good1), { messageId: 'good-1' }),
      sqsRecord('{"Records": [', { messageId: 'not-json' }),
      uploadMessage(fileNameOf('456', good2), { messageId: 'good-2' }),
    );
    expect(r.batchItemFailures).toEqual([{ itemIdentifier: 'not-json' }]);
    expect((await record('456', good1))?.status).toBe('approved');
    expect((await record('456', good2))?.status).toBe('approved');
  });

  it('partial batch: a JSON message that is not an S3 notification is reported, a failing detection too', async () => {
    const good = hashOf('batch2-good');
    const bad = hashOf('batch2-bad');
    await register('456', good);
    await register('456', bad);
    const detector = new CountingDetector({ [good]: [label('Beach', 90)] });
    detector.fail = (image) => (image.imageHash === bad ? new Error('boom') : undefined);
    const r = await runBatch(
      detector,
      sqsRecord({ hello: 'world' }, { messageId: 'foreign-json' }),
      uploadMessage(fileNameOf('456', bad), { messageId: 'bad-detect' }),
      uploadMessage(fileNameOf('456', good), { messageId: 'good' }),
    );
    expect(r.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['bad-detect', 'foreign-json']);
    expect((await record('456', good))?.status).toBe('approved');
  });
});

describe('analyzer: what it ignores', () => {
  it("ignores S3's test event (no failure, no detection)", async () => {
    const detector = new CountingDetector();
    const r = await runBatch(detector, sqsRecord(s3TestEvent(BUCKET), { messageId: 'test-event' }));
    expect(r).toEqual({ batchItemFailures: [] });
    expect(detector.calls).toEqual([]);
  });

  it('ignores keys that are not "<user_id>-<sha256>.<ext>", other buckets and other events', async () => {
    const imageHash = hashOf('ignored');
    const detector = new CountingDetector({ [imageHash]: [label('Beach', 90)] });
    const r = await runBatch(
      detector,
      sqsRecord(s3Notification(s3Record({ bucket: BUCKET, key: 'uploads/readme.txt' })), { messageId: 'txt' }),
      sqsRecord(s3Notification(s3Record({ bucket: BUCKET, key: `456-${imageHash}.gif` })), { messageId: 'gif' }),
      sqsRecord(s3Notification(s3Record({ bucket: BUCKET, key: `456-${imageHash.toUpperCase()}.jpg` })), { messageId: 'upper' }),
      sqsRecord(s3Notification(s3Record({ bucket: BUCKET, key: `a%2Fb-${imageHash}.jpg` })), { messageId: 'slash' }),
      sqsRecord(s3Notification(s3Record({ bucket: 'someone-elses-bucket', key: fileNameOf('456', imageHash) })), { messageId: 'bucket' }),
      sqsRecord(s3Notification(s3Record({ bucket: BUCKET, key: fileNameOf('456', imageHash), eventName: 'ObjectRemoved:Delete' })), {
        messageId: 'removed',
      }),
    );
    expect(r.batchItemFailures).toEqual([]);
    expect(detector.calls).toEqual([]);
    expect(await record('456', imageHash)).toBeUndefined();
    expect(await record('a/b', imageHash)).toBeUndefined();
  });

  it('URL-decodes keys', async () => {
    const imageHash = hashOf('url-encoded');
    await register('user_1-x', imageHash);
    const detector = new CountingDetector({ [imageHash]: [label('Beach', 90)] });
    const encoded = `user%5F1%2Dx-${imageHash}.jpg`;
    const r = await runBatch(detector, sqsRecord(s3Notification(s3Record({ bucket: BUCKET, key: encoded }))));
    expect(r.batchItemFailures).toEqual([]);
    expect(detector.calls.map((c) => c.image.key)).toEqual([fileNameOf('user_1-x', imageHash)]);
    expect((await record('user_1-x', imageHash))?.status).toBe('approved');
    expect(decodeS3Key('my+photo%281%29.jpg')).toBe('my photo(1).jpg');
  });

  it('processes every record of a multi-record notification', async () => {
    const h1 = hashOf('multi-1');
    const h2 = hashOf('multi-2');
    const detector = new CountingDetector({ [h1]: [label('Beach', 90)], [h2]: [label('Ocean', 90)] });
    const r = await runBatch(
      detector,
      sqsRecord(s3Notification(s3Record({ bucket: BUCKET, key: fileNameOf('m', h1) }), s3Record({ bucket: BUCKET, key: fileNameOf('m', h2) }))),
    );
    expect(r.batchItemFailures).toEqual([]);
    expect((await record('m', h1))?.rekognition_results).toEqual([label('Beach', 90)]);
    expect((await record('m', h2))?.rekognition_results).toEqual([label('Ocean', 90)]);
  });
});

describe('analyzer: stale notifications', () => {
  it('ignores a notification for an object deleted meanwhile: the deleted record is not brought back', async () => {
    const imageHash = hashOf('deleted-before-analysis');
    const fileName = fileNameOf('456', imageHash);
    await register('456', imageHash);
    await db.store.remove(imageKeyOf(imageHash), '456', Date.now());
    deletedObjects.add(fileName);
    const detector = new CountingDetector({ [imageHash]: [label('Beach', 90)] });
    const r = await runBatch(detector, uploadMessage(fileName));
    expect(r.batchItemFailures).toEqual([]);
    expect(detector.calls).toHaveLength(0);
    expect(await record('456', imageHash)).toBeUndefined();
  });
});
