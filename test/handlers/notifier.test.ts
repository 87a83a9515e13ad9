import '../helpers/quiet-powertools.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../client/src/index.js';
import { analysedEvent } from '../../src/core/image-events.js';
import { AWS_RETRY_SECONDS } from '../../src/core/webhook-retry.js';
import { toWebhookMessage } from '../../src/adapters/sqs-webhook-outbox.js';
import type { DeliveryOutcome } from '../../src/adapters/webhook-sender.js';
import { createNotifier, createNotifierRecordHandler } from '../../src/handlers/notifier.js';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/local/constants.js';
import { startLocalQueues, type LocalQueues } from '../../src/local/sqs/index.js';
import { newWebhookSecret, startWebhookReceiver } from '../helpers/webhook-receiver.js';
import { lambdaContext, sqsEvent, sqsRecord } from '../helpers/lambda-events.js';

const outgoing = analysedEvent(
  { file_name: '9-' + 'c'.repeat(64) + '.jpg', user_id: '9', status: 'approved', rekognition_results: [], updated_at: '2026-11-29T22:00:00.000Z' },
  [],
)!;
const message = toWebhookMessage(outgoing);

const fakes = (outcomes: DeliveryOutcome[]) => {
  const delays: number[] = [];
  const sent: string[] = [];
  const handle = createNotifierRecordHandler({
    send: async (m) => {
      sent.push(m.id);
      return outcomes.shift() ?? { delivered: true, status: 200 };
    },
    delayRetry: async (_handle, seconds) => void delays.push(seconds),
  });
  return { handle, delays, sent };
};

describe('notifier record handler', () => {
  it('a 2xx: done, no delay', async () => {
    const f = fakes([{ delivered: true, status: 204 }]);
    await f.handle(sqsRecord(message));
    expect(f.sent).toEqual([outgoing.id]);
    expect(f.delays).toEqual([]);
  });

  it('a failure: hidden for the schedule’s next delay and reported failed, attempt after attempt', async () => {
    for (let attempt = 1; attempt <= AWS_RETRY_SECONDS.length; attempt++) {
      const f = fakes([{ delivered: false, status: 500, reason: 'HTTP 500' }]);
      await expect(f.handle(sqsRecord(message, { receiveCount: attempt }))).rejects.toThrow(`attempt ${attempt}: HTTP 500`);
      expect(f.delays).toEqual([AWS_RETRY_SECONDS[attempt - 1]]);
    }
  });

  it('the last attempt fails: visible at once, so the redrive moves it to the DLQ', async () => {
    const f = fakes([{ delivered: false, reason: 'ECONNREFUSED' }]);
    await expect(f.handle(sqsRecord(message, { receiveCount: AWS_RETRY_SECONDS.length + 1 }))).rejects.toThrow();
    expect(f.delays).toEqual([0]);
  });

  it('a malformed message is never sent and goes the DLQ way without delays', async () => {
    const f = fakes([]);
    await expect(f.handle(sqsRecord('{"nope":1}'))).rejects.toThrow(/not a webhook message/);
    await expect(f.handle(sqsRecord('not json'))).rejects.toThrow(/not a webhook message/);
    expect(f.sent).toEqual([]);
    expect(f.delays).toEqual([0, 0]);
  });
});

describe('notifier function (real SQS API on local-aws-sqs, real HTTP receiver)', () => {
  let queues: LocalQueues;
  let sqs: SQSClient;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'notifier-'));
    queues = await startLocalQueues({
      dataDir: dir,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      credentials: LOCAL_CREDENTIALS,
      queue: { name: 'webhooks', dlqName: 'webhooks-dlq', visibilityTimeoutSeconds: 30, maxReceiveCount: 8 },
    });
    sqs = new SQSClient({ endpoint: queues.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  });
  afterAll(async () => {
    sqs.destroy();
    await queues.close();
    await rm(dir, { recursive: true, force: true });
  });

  const receiveOne = async (): Promise<SQSRecord | undefined> => {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.queueUrl, MaxNumberOfMessages: 1, VisibilityTimeout: 1, MessageSystemAttributeNames: ['All'] }));
    const m = out.Messages?.[0];
    if (!m) return undefined;
    const r = sqsRecord(m.Body!, { messageId: m.MessageId!, receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 1) });
    return { ...r, receiptHandle: m.ReceiptHandle! };
  };

  it('delivers a signed webhook; on a 500 it reports the failure and hides the message for the backoff delay', async () => {
    const secret = newWebhookSecret();
    const r = await startWebhookReceiver((n) => (n === 1 ? 200 : 500));
    const env = { WEBHOOK_URL: r.url, WEBHOOK_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:1:secret:w', WEBHOOK_QUEUE_URL: queues.queueUrl };
    const readSecret = async (arn: string) => (arn === env.WEBHOOK_SECRET_ARN ? secret : 'wrong');
    const notifier = createNotifier(env, { readSecret, sqs });
    try {
      expect(await notifier(sqsEvent(sqsRecord(message)), lambdaContext('notifier'))).toEqual({ batchItemFailures: [] });
      expect(verifyWebhook(r.received[0]!.headers, r.received[0]!.body, secret)).toEqual(outgoing.event);

      await sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: JSON.stringify(message) }));
      const record = (await receiveOne())!;
      expect(await notifier(sqsEvent(record), lambdaContext('notifier'))).toEqual({ batchItemFailures: [{ itemIdentifier: record.messageId }] });
      // Received with a 1 s visibility, then hidden for 5 s by the notifier: still invisible after 1.5 s.
      await new Promise((res) => setTimeout(res, 1500));
      expect(await receiveOne()).toBeUndefined();
    } finally {
      await r.close();
    }
  });

  it('refuses to start with a secret that is not whsec_<base64>, without printing it', async () => {
    const notifier = createNotifier(
      { WEBHOOK_URL: 'http://127.0.0.1:1/', WEBHOOK_SECRET_ARN: 'arn', WEBHOOK_QUEUE_URL: queues.queueUrl },
      { readSecret: async () => 'hunter2-not-a-webhook-secret', sqs },
    );
    const err = await notifier(sqsEvent(sqsRecord(message)), lambdaContext('notifier')).catch((e: Error) => e);
    expect(String(err)).toMatch(/not whsec_/);
    expect(String(err)).not.toContain('hunter2');
  });
});
