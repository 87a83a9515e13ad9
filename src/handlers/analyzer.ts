import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { formatFileName, formatImageKey, tryParseFileName, type ImageName } from '../core/file-name.js';
import { isAnalysed, type AnalysisSource } from '../core/image-record.js';
import type { Label } from '../core/labels.js';
import { detectionFloor, moderate, type ModerationPolicy } from '../core/moderation.js';
import { documentClient } from '../adapters/aws-clients/dynamodb.js';
import { rekognitionClient } from '../adapters/aws-clients/rekognition.js';
import { s3Client } from '../adapters/aws-clients/s3.js';
import { DynamoRecordStore } from '../adapters/dynamodb-record-store.js';
import { FixtureLabelDetector } from '../adapters/fixture-label-detector.js';
import { RekognitionLabelDetector } from '../adapters/rekognition-label-detector.js';
import { AnalyzerConfig, readConfig, type Env } from '../config.js';
import type { LabelDetector } from '../ports/label-detector.js';
import type { ObjectStore } from '../ports/object-store.js';
import { S3ObjectStore } from '../adapters/s3-object-store.js';
import type { RecordStore } from '../ports/record-store.js';
import { logger } from './http.js';
import { isS3TestEvent, S3NotificationSchema } from './s3-event.js';

export interface AnalyzerDeps {
  records: RecordStore;
  objects: ObjectStore;
  detector: LabelDetector;
  bucket: string;
  policy: ModerationPolicy;
  maxReceiveCount: number;
  leaseSeconds: number;
  waitSeconds: number;
  metrics?: Metrics;
  now?: () => number;
}

/** Another invocation is detecting this image: retry the message later, its result will be reused. */
export class AnalysisInProgressError extends Error {
  constructor(imageKey: string) {
    super(`analysis of ${imageKey} is in progress elsewhere`);
    this.name = 'AnalysisInProgressError';
  }
}

const POLL_MS = 200;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** S3 URL-encodes keys in notifications, with '+' for spaces. */
export const decodeS3Key = (key: string): string => decodeURIComponent(key.replace(/\+/g, ' '));

export const createAnalysis = (d: AnalyzerDeps) => {
  const now = d.now ?? Date.now;
  const floor = detectionFloor(d.policy);

  /** Labels for the image: the shared analysis if done, else one detection, claimed by conditional write. */
  const labelsFor = async (name: ImageName, claimant: string): Promise<{ labels: Label[]; source: AnalysisSource }> => {
    const imageKey = formatImageKey(name);
    const deadline = now() + d.waitSeconds * 1000;
    for (;;) {
      const analysis = await d.records.getAnalysis(imageKey);
      if (analysis?.state === 'done') return { labels: analysis.labels, source: 'reused' };
      if (await d.records.claimAnalysis(imageKey, claimant, now(), d.leaseSeconds)) {
        let labels: Label[];
        try {
          labels = await d.detector.detect({ bucket: d.bucket, key: formatFileName(name), imageHash: name.imageHash }, floor);
        } catch (e) {
          await d.records.abandonAnalysis(imageKey, claimant, (e as Error).message, now());
          throw e;
        }
        await d.records.completeAnalysis(imageKey, claimant, labels, now());
        d.metrics?.addMetric('LabelsDetected', MetricUnit.Count, 1);
        return { labels, source: 'detected' };
      }
      if (now() >= deadline) throw new AnalysisInProgressError(imageKey);
      await sleep(POLL_MS);
    }
  };

  /** One uploaded object: mark it uploaded, get its labels once per distinct image, store the verdict. */
  return async (name: ImageName, size: number | undefined, message: { id: string; receiveCount: number }) => {
    const imageKey = formatImageKey(name);
    // S3 delivers at least once and a user may delete before we run: a notification
    // for an object that is gone must not bring its record back.
    if (!(await d.objects.exists(formatFileName(name)))) {
      logger.info('ignoring notification for a deleted object', { imageKey, userId: name.userId });
      return;
    }
    try {
      const record = await d.records.markUploaded(name, size, now());
      if (!record || isAnalysed(record.status)) return; // deleted meanwhile, or a duplicate notification
      const { labels, source } = await labelsFor(name, `${name.userId}:${message.id}`);
      const verdict = moderate(labels, d.policy);
      await d.records.applyAnalysis(imageKey, name.userId, { ...verdict, source }, now());
      d.metrics?.addMetric(source === 'reused' ? 'AnalysisReused' : 'AnalysisDetected', MetricUnit.Count, 1);
      logger.info('image analysed', { imageKey, userId: name.userId, status: verdict.status, source });
    } catch (e) {
      // The last delivery before the DLQ: say so on the record, with the reason.
      if (message.receiveCount >= d.maxReceiveCount) {
        await d.records.markFailed(imageKey, name.userId, `${(e as Error).name}: ${(e as Error).message}`.slice(0, 500), now());
        d.metrics?.addMetric('AnalysisFailed', MetricUnit.Count, 1);
      }
      throw e;
    }
  };
};

/** One SQS message: an S3 notification (or S3's test event, or something foreign to ignore). */
export const createRecordHandler = (d: AnalyzerDeps) => {
  const analyse = createAnalysis(d);
  return async (record: SQSRecord) => {
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch {
      throw new Error(`message ${record.messageId} is not JSON`); // poison: retried, then the DLQ
    }
    if (isS3TestEvent(body)) return;
    const s3 = S3NotificationSchema.safeParse(body);
    if (!s3.success) throw new Error(`message ${record.messageId} is not an S3 notification`);
    for (const r of s3.data.Records) {
      const key = decodeS3Key(r.s3.object.key);
      const name = r.eventName.startsWith('ObjectCreated:') && r.s3.bucket.name === d.bucket ? tryParseFileName(key) : undefined;
      if (!name) {
        logger.warn('ignoring object that is not an image of ours', { key, event: r.eventName, bucket: r.s3.bucket.name });
        continue;
      }
      await analyse(name, r.s3.object.size, {
        id: record.messageId,
        receiveCount: Number(record.attributes.ApproximateReceiveCount ?? '1'),
      });
    }
  };
};

const LOCAL_DETECTOR = '../adapters/local-label-detector/index.js';

const buildDetector = async (c: ReturnType<typeof readAnalyzerConfig>, env: Env): Promise<LabelDetector> => {
  if (c.LABEL_DETECTOR === 'rekognition') return new RekognitionLabelDetector(rekognitionClient(env));
  if (c.LABEL_DETECTOR.startsWith('fixture:')) return FixtureLabelDetector.fromFile(c.LABEL_DETECTOR.slice('fixture:'.length), s3Client(env));
  if (c.LABEL_DETECTOR === 'local') {
    // The embedded model (sharp, wasm, model files) is for the local stack: a computed
    // specifier keeps it out of the Lambda bundle, where `local` is not available.
    const local: typeof import('../adapters/local-label-detector/index.js') = await import(LOCAL_DETECTOR).catch((e: Error) => {
      throw new Error(`LABEL_DETECTOR=local is not available in this build (${e.message})`);
    });
    return local.LocalLabelDetector.start(s3Client(env));
  }
  throw new Error(`LABEL_DETECTOR=${c.LABEL_DETECTOR} is not available in this build`);
};
const readAnalyzerConfig = (env: Env) => readConfig(AnalyzerConfig, env);

export const createAnalyzer = (env: Env, overrides: { detector?: LabelDetector; objects?: ObjectStore } = {}) => {
  let wired: Promise<(r: SQSRecord) => Promise<void>> | undefined;
  const metrics = new Metrics({ namespace: 'TravelLog', serviceName: 'travellog-images' });
  const wire = async () => {
    const c = readAnalyzerConfig(env);
    return createRecordHandler({
      records: new DynamoRecordStore(documentClient(env), c.IMAGES_TABLE_NAME),
      objects: overrides.objects ?? new S3ObjectStore(s3Client(env), c.IMAGES_BUCKET_NAME),
      detector: overrides.detector ?? (await buildDetector(c, env)),
      bucket: c.IMAGES_BUCKET_NAME,
      policy: {
        minConfidence: c.MIN_CONFIDENCE,
        censoredLabel: c.CENSORED_LABEL,
        rejectedThreshold: c.CENSORED_REJECTED_THRESHOLD,
        underReviewThreshold: c.CENSORED_UNDER_REVIEW_THRESHOLD,
      },
      maxReceiveCount: c.ANALYZER_MAX_RECEIVE_COUNT,
      leaseSeconds: c.ANALYSIS_LEASE_SECONDS,
      waitSeconds: c.ANALYSIS_WAIT_SECONDS,
      metrics,
    });
  };
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    logger.addContext(context);
    wired ??= wire().catch((e) => {
      wired = undefined;
      throw e;
    });
    const recordHandler = await wired;
    try {
      // Partial batch response: only the failed messages return to the queue.
      return await processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), {
        context,
        throwOnFullBatchFailure: false,
      });
    } finally {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
};

export const handler = createAnalyzer(process.env);
