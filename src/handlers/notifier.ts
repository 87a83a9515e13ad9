import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { AWS_RETRY_SECONDS, attemptsOf, retryDelaySeconds } from '../core/webhook-retry.js';
import { sqsClient } from '../adapters/sqs-webhook-outbox.js';
import { WebhookSender, type WebhookMessage } from '../adapters/webhook-sender.js';
import { readConfig, type Env } from '../config.js';
import { NotifierConfig, WebhookSecret } from '../events-config.js';
import { logger } from './http.js';

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
  /** The webhook secret; in AWS it comes from Secrets Manager (WEBHOOK_SECRET_ARN). */
  readSecret?: (arn: string) => Promise<string>;
  sqs?: SQSClient;
  fetch?: typeof fetch;
}

const readFromSecretsManager = async (env: Env, arn: string): Promise<string> => {
  // Loaded only here: the other functions' bundles never carry this client.
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const { awsClientOptions } = await import('../adapters/aws-clients/common.js');
  const client = new SecretsManagerClient(awsClientOptions(env, env.AWS_ENDPOINT_URL_SECRETS_MANAGER));
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    if (typeof out.SecretString !== 'string') throw new Error('the webhook secret has no string value');
    return out.SecretString;
  } finally {
    client.destroy();
  }
};

export const createNotifier = (env: Env, o: NotifierOverrides = {}) => {
  const metrics = new Metrics({ namespace: 'TravelLog', serviceName: 'travellog-images' });
  let wired: Promise<(r: SQSRecord) => Promise<void>> | undefined;
  const wire = async () => {
    const c = readConfig(NotifierConfig, env);
    // Read once per cold start and validated; its value is never logged.
    const secret = WebhookSecret.safeParse(await (o.readSecret ?? ((arn) => readFromSecretsManager(env, arn)))(c.WEBHOOK_SECRET_ARN));
    if (!secret.success) throw new Error('the webhook secret is not whsec_<base64 of at least 24 bytes>');
    const sender = new WebhookSender({ url: c.WEBHOOK_URL, secret: secret.data, fetch: o.fetch });
    const sqs = o.sqs ?? sqsClient(env);
    return createNotifierRecordHandler({
      send: (m) => sender.send(m),
      delayRetry: async (receiptHandle, seconds) => {
        await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: c.WEBHOOK_QUEUE_URL, ReceiptHandle: receiptHandle, VisibilityTimeout: seconds }));
      },
      metrics,
    });
  };
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    logger.addContext(context);
    wired ??= wire().catch((e) => {
      wired = undefined;
      throw e;
    });
    const handle = await wired;
    try {
      // Deliveries of one batch run in parallel; only the failed ones return to the queue.
      return await processPartialResponse(event, handle, new BatchProcessor(EventType.SQS), { context, throwOnFullBatchFailure: false });
    } finally {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
};

export const handler = createNotifier(process.env);
