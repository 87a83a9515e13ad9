import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqsClient, SqsWebhookOutbox } from '../../src/adapters/sqs-webhook-outbox.js';
import { deletedEvent, webhookBody } from '../../src/core/image-events.js';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/local/constants.js';
import { startLocalQueues, type LocalQueues } from '../../src/local/sqs/index.js';

describe('SqsWebhookOutbox (real SQS API on local-aws-sqs)', () => {
  let queues: LocalQueues;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'outbox-sqs-'));
    queues = await startLocalQueues({
      dataDir: dir,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      credentials: LOCAL_CREDENTIALS,
      queue: { name: 'hooks', dlqName: 'hooks-dlq', visibilityTimeoutSeconds: 30, maxReceiveCount: 8 },
    });
  });
  afterAll(async () => {
    await queues.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('queues one message per event — its webhook-id and exact body — in batches of 10', async () => {
    const sqs = sqsClient({ AWS_REGION: LOCAL_REGION, AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey, AWS_ENDPOINT_URL_SQS: queues.endpoint });
    const events = Array.from({ length: 12 }, (_, i) => deletedEvent({ file_name: `${i}-${'a'.repeat(64)}.jpg`, user_id: String(i), created_at: 'c' }, [], '2026-11-29T22:00:00.000Z'));
    await new SqsWebhookOutbox(sqs, queues.queueUrl).publish(events);
    const bodies: string[] = [];
    for (;;) {
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.queueUrl, MaxNumberOfMessages: 10 }));
      if (!out.Messages?.length) break;
      bodies.push(...out.Messages.map((m) => m.Body!));
    }
    expect(bodies.map((b) => JSON.parse(b) as unknown).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(
      events.map((e) => ({ id: e.id, body: webhookBody(e.event) })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    );
    sqs.destroy();
  });
});
