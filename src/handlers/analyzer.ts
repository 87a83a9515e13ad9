import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { tryParseFileName } from '../core/file-name.js';
import { documentClient } from '../adapters/aws-clients/dynamodb.js';
import { s3Client } from '../adapters/aws-clients/s3.js';
import { DynamoRecordStore } from '../adapters/dynamodb/record-store.js';
import { buildDetector } from '../adapters/label-detector-factory.js';
import { S3ObjectStore } from '../adapters/s3-object-store.js';
import { analysisSteps, createAnalyseImage, type AnalysePipeline, type AnalysisDeps } from '../app/analyse-image.js';
import { publishAnalysed, type EventsTelemetry } from '../app/publish-events.js';
import { awsEventPublisher } from '../adapters/event-publishers.js';
import type { EventPublisher } from '../ports/event-publisher.js';
import { createMakeVariants } from '../app/make-variants.js';
import { JsImageProcessor } from '../adapters/image-variants/index.js';
import { withLabelIndex } from '../app/label-index-steps.js';
import { DynamoLabelIndex } from '../adapters/dynamodb/label-index.js';
import type { LabelIndex } from '../ports/label-index.js';
import { AnalyzerConfig, readConfig, type Env } from '../config.js';
import type { LabelDetector } from '../ports/label-detector.js';
import type { ObjectStore } from '../ports/object-store.js';
import { lazy } from './lazy.js';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { functionLogger, functionMetrics } from './observability.js';
import { isS3TestEvent, S3NotificationSchema } from './s3-event.js';

export { AnalysisInProgressError } from '../app/analyse-image.js';
export type AnalyzerDeps = AnalysisDeps & { labelIndex: LabelIndex };

/** S3 URL-encodes keys in notifications, with '+' for spaces. */
export const decodeS3Key = (key: string): string => decodeURIComponent(key.replace(/\+/g, ' '));

const telemetryOf = (logger: Logger, metrics: Metrics): NonNullable<AnalysisDeps['telemetry']> => ({
  info: (message, fields) => logger.info(message, fields ?? {}),
  count: (metric) => metrics.addMetric(metric, MetricUnit.Count, 1),
});

export const eventsTelemetryOf = (logger: Logger, metrics: Metrics): EventsTelemetry => ({
  error: (message, fields) => logger.error(message, fields),
  count: (metric, n) => metrics.addMetric(metric, MetricUnit.Count, n),
});

/** One SQS message: an S3 notification (or S3's test event, or something foreign to ignore). */
export const createRecordHandler = (d: AnalyzerDeps, log: Pick<Logger, 'warn'> = functionLogger('analyzer'), pipeline: AnalysePipeline = {}) => {
  const analyse = createAnalyseImage(d, { ...pipeline, steps: pipeline.steps ?? withLabelIndex(analysisSteps(d), d) });
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
      // The analyzer's own variants notify too (S3 filters cannot exclude a prefix of keys that have none).
      if (key.startsWith('variants/')) continue;
      const name = r.eventName.startsWith('ObjectCreated:') && r.s3.bucket.name === d.bucket ? tryParseFileName(key) : undefined;
      if (!name) {
        log.warn('ignoring object that is not an image of ours', { key, event: r.eventName, bucket: r.s3.bucket.name });
        continue;
      }
      await analyse(name, r.s3.object.size, {
        id: record.messageId,
        receiveCount: Number(record.attributes.ApproximateReceiveCount ?? '1'),
      });
    }
  };
};

export interface AnalyzerOverrides {
  detector?: LabelDetector;
  objects?: ObjectStore;
  /** Sees each message's error before it goes back to the queue (the local stack prints why). */
  onRecordError?: (record: SQSRecord, error: unknown) => void;
  /** Where completion events go (the local outbox); in AWS, EventBridge and the webhook queue from the env. */
  events?: EventPublisher;
}

export const createAnalyzer = (env: Env, overrides: AnalyzerOverrides = {}) => {
  const logger = functionLogger('analyzer');
  const metrics = functionMetrics();
  const recordHandler = lazy(async () => {
    const c = readConfig(AnalyzerConfig, env);
    const objects = overrides.objects ?? new S3ObjectStore(s3Client(env), c.IMAGES_BUCKET_NAME);
    const deps: AnalyzerDeps = {
      records: new DynamoRecordStore(documentClient(env), c.IMAGES_TABLE_NAME),
      labelIndex: new DynamoLabelIndex(documentClient(env), c.IMAGES_TABLE_NAME),
      objects,
      makeVariants: createMakeVariants({ objects, processor: new JsImageProcessor(), log: (m, f) => logger.info(m, f) }),
      detector: overrides.detector ?? (await buildDetector(c.LABEL_DETECTOR, env)),
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
      telemetry: telemetryOf(logger, metrics),
    };
    // Completion events (SPEC §3.8): one per record that reached a terminal status.
    const events = overrides.events ?? awsEventPublisher(env);
    return createRecordHandler(deps, logger, { onOutcome: [publishAnalysed({ records: deps.records, events, telemetry: eventsTelemetryOf(logger, metrics) })] });
  });
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    logger.addContext(context);
    const handleRecord = await recordHandler();
    const onError = overrides.onRecordError;
    const handle = onError
      ? async (r: SQSRecord) => {
          try {
            await handleRecord(r);
          } catch (e) {
            onError(r, e);
            throw e;
          }
        }
      : handleRecord;
    try {
      // Partial batch response: only the failed messages return to the queue.
      return await processPartialResponse(event, handle, new BatchProcessor(EventType.SQS), {
        context,
        throwOnFullBatchFailure: false,
      });
    } finally {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
};

export const handler = createAnalyzer(process.env);
