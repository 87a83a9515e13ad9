import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { AWS_RETRY_SECONDS, attemptsOf, retryDelaySeconds } from '../core/webhook-retry.js';
import { secretsManagerClient } from '../adapters/aws-clients/secrets-manager.js';
import { SecretsManagerSecretReader } from '../adapters/secrets-manager-secret-reader.js';
import { sqsClient } from '../adapters/sqs-webhook-outbox.js';
import { WebhookSender, type WebhookMessage } from '../adapters/webhook-sender.js';
import { readConfig, type Env } from '../config.js';
import { NotifierConfig, WebhookSecret } from '../events-config.js';
import { lazy } from './lazy.js';
import { functionLogger, functionMetrics } from './observability.js';

const logger = functionLogger('notifier');

/** The outbox message (see SqsWebhookOutbox). */
const WebhookMessageSchema = z.object({ id: z.string().check(z.minLength(1)), body: z.string() });

export interface NotifierDeps {
  send(message: WebhookMessage): ReturnType<WebhookSender['send']>;
  /** Hides a failed message until its next attempt (SQS ChangeMessageVisibility). */
  delayRetry(receiptHandle: string, seconds: number): Promise<void>;
  schedule?: readonly number[];
  metrics?: Metrics;
}

export class DeliveryFailedError extends Error {
  constructor(id: string, reason: string, attempt: number) {
    super(`webhook ${id} not delivered on attempt ${attempt}: ${reason}`);
    this.name = 'DeliveryFailedError';
  }
}

/**
 * One queued webhook: POST it; on failure hide the message for the next delay of
 * the schedule and report it failed (it returns to the queue then). After the
 * last attempt the queue's redrive (maxReceiveCount = every attempt) moves it to
 * the DLQ, whose alarm tells the operator. A malformed message cannot heal: it
 * goes straight to the DLQ's path by failing every attempt without delay.
 */
export const createNotifierRecordHandler = (d: NotifierDeps) => {
  const schedule = d.schedule ?? AWS_RETRY_SECONDS;
  return async (record: SQSRecord) => {
    const attempt = Number(record.attributes.ApproximateReceiveCount ?? '1');
    let message: WebhookMessage;
    try {
      message = WebhookMessageSchema.parse(JSON.parse(record.body));
    } catch {
      await d.delayRetry(record.receiptHandle, 0);
      throw new Error(`message ${record.messageId} is not a webhook message`);
    }
    const outcome = await d.send(message);
    if (outcome.delivered) {
      d.metrics?.addMetric('WebhookDelivered', MetricUnit.Count, 1);
      return;
    }
    d.metrics?.addMetric('WebhookAttemptFailed', MetricUnit.Count, 1);
    const delay = retryDelaySeconds(attempt, schedule);
    // Past the schedule: visible at once, so the queue moves it to the DLQ on its next receive.
    await d.delayRetry(record.receiptHandle, delay ?? 0);
    logger.warn('webhook not delivered', { webhookId: message.id, attempt, of: attemptsOf(schedule), reason: outcome.reason, retryInSeconds: delay ?? null });
    throw new DeliveryFailedError(message.id, outcome.reason, attempt);
  };
};

export interface NotifierOverrides {
  /** The webhook secret by ARN; in AWS a cached Secrets Manager read (WEBHOOK_SECRET_ARN). */
  readSecret?: (arn: string) => Promise<string>;
  sqs?: SQSClient;
  fetch?: typeof fetch;
}

export const createNotifier = (env: Env, o: NotifierOverrides = {}) => {
  const metrics = functionMetrics();
  const handlerFor = lazy(() => {
    const c = readConfig(NotifierConfig, env);
    // Cached for a few minutes by the reader: a rotated secret takes effect within that. Never logged.
    let reader: SecretsManagerSecretReader | undefined;
    const read = o.readSecret ?? ((arn: string) => (reader ??= new SecretsManagerSecretReader(secretsManagerClient(env))).read(arn));
    let current: { value: string; sender: WebhookSender } | undefined;
    const sender = async () => {
      const value = await read(c.WEBHOOK_SECRET_ARN);
      if (current?.value !== value) {
        const secret = WebhookSecret.safeParse(value);
        if (!secret.success) throw new Error('the webhook secret is not whsec_<base64 of at least 24 bytes>');
        current = { value, sender: new WebhookSender({ url: c.WEBHOOK_URL, secret: secret.data, fetch: o.fetch }) };
      }
      return current.sender;
    };
    const sqs = o.sqs ?? sqsClient(env);
    const delayRetry = async (receiptHandle: string, seconds: number) => {
      await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: c.WEBHOOK_QUEUE_URL, ReceiptHandle: receiptHandle, VisibilityTimeout: seconds }));
    };
    return async () => {
      const s = await sender();
      return createNotifierRecordHandler({ send: (m) => s.send(m), delayRetry, metrics });
    };
  });
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    logger.addContext(context);
    // A secret that cannot be read fails the whole batch: every message comes back later, none is lost.
    const handle = await handlerFor()();
    try {
      // Deliveries of one batch run in parallel; only the failed ones return to the queue.
      return await processPartialResponse(event, handle, new BatchProcessor(EventType.SQS), { context, throwOnFullBatchFailure: false });
    } finally {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
};

export const handler = createNotifier(process.env);
