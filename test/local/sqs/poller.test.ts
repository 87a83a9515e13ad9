// Over 300 lines: one suite per Lambda event-source rule (batching, visibility, partial failures, DLQ, shutdown) against one real queue; split it and each file re-creates that queue set-up.
import { createHash } from 'node:crypto';
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_REGION } from '../../../src/local/constants.js';
import {
  LambdaTimeoutError,
  startEventSourcePoller,
  type EventSourceMapping,
  type LocalQueues,
  type Poller,
} from '../../../src/local/sqs/index.js';
import { clientFor, delay, makeDataDir, receiveAll, removeDataDir, startQueues, waitFor, type CountingClient } from '../../helpers/local-sqs.js';

interface Invocation {
  records: SQSRecord[];
  context: Context;
  remainingAtStart: number;
  at: number;
}

type Decide = (event: SQSEvent, invocation: number) => Promise<SQSBatchResponse | void> | SQSBatchResponse | void;

describe('startEventSourcePoller', () => {
  let dataDir: string;
  let queues: LocalQueues;
  let sqs: CountingClient;
  let poller: Poller | undefined;
  let invocations: Invocation[];
  let errors: unknown[];

  beforeEach(async () => {
    dataDir = await makeDataDir();
    queues = await startQueues(dataDir, { visibilityTimeoutSeconds: 1, maxReceiveCount: 5 });
    sqs = clientFor(queues);
    invocations = [];
    errors = [];
    poller = undefined;
  });

  afterEach(async () => {
    await poller?.stop();
    sqs.client.destroy();
    await queues.close();
    await removeDataDir(dataDir);
  });

  function start(decide: Decide = () => undefined, overrides: Partial<EventSourceMapping> = {}): Poller {
    poller = startEventSourcePoller({
      client: sqs.client,
      queueUrl: queues.queueUrl,
      queueArn: queues.queueArn,
      region: LOCAL_REGION,
      batchSize: 10,
      visibilityTimeoutSeconds: 1,
      reportBatchItemFailures: true,
      onError: (err) => errors.push(err),
      handler: async (event, context) => {
        invocations.push({ records: event.Records, context, remainingAtStart: context.getRemainingTimeInMillis(), at: Date.now() });
        return decide(event, invocations.length);
      },
      ...overrides,
    });
    return poller;
  }

  async function sendBatch(bodies: string[], client: SQSClient = sqs.client): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < bodies.length; i += 10) {
      const chunk = bodies.slice(i, i + 10);
      const { Successful = [] } = await client.send(
        new SendMessageBatchCommand({
          QueueUrl: queues.queueUrl,
          Entries: chunk.map((body, index) => ({ Id: String(index), MessageBody: body })),
        }),
      );
      ids.push(...[...Successful].sort((a, b) => Number(a.Id) - Number(b.Id)).map((entry) => entry.MessageId ?? ''));
    }
    return ids;
  }

  const deliveriesOf = (messageId: string): SQSRecord[] =>
    invocations.flatMap((invocation) => invocation.records).filter((record) => record.messageId === messageId);
  const timesDeleted = (receiptHandle: string): number =>
    sqs.deletedReceiptHandles.filter((handle) => handle === receiptHandle).length;

  it('builds the records and context Lambda passes, and counts receives on redelivery', async () => {
    const body = JSON.stringify({ Records: [{ s3: { object: { key: 'u1-abc.jpg' } } }] });
    const { MessageId = '' } = await sqs.client.send(
      new SendMessageCommand({
        QueueUrl: queues.queueUrl,
        MessageBody: body,
        MessageAttributes: {
          origin: { DataType: 'String', StringValue: 's3' },
          size: { DataType: 'Number', StringValue: '42' },
          blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
        },
      }),
    );
    // Fail the first delivery so we also see the redelivery.
    start((event, n) => (n === 1 ? { batchItemFailures: [{ itemIdentifier: event.Records[0]?.messageId ?? '' }] } : undefined));
    await poller?.idle();

    expect(invocations).toHaveLength(2);
    const [first, second] = invocations.map((invocation) => invocation.records[0]);
    expect(Object.keys(first ?? {}).sort()).toEqual([
      'attributes',
      'awsRegion',
      'body',
      'eventSource',
      'eventSourceARN',
      'md5OfBody',
      'md5OfMessageAttributes',
      'messageAttributes',
      'messageId',
      'receiptHandle',
    ]);
    expect(first).toMatchObject({
      messageId: MessageId,
      body,
      md5OfBody: createHash('md5').update(body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: queues.queueArn,
      awsRegion: LOCAL_REGION,
    });
    expect(first?.md5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
    expect(first?.receiptHandle).toEqual(expect.any(String));
    expect(first?.messageAttributes).toEqual({
      origin: { stringValue: 's3', stringListValues: [], binaryListValues: [], dataType: 'String' },
      size: { stringValue: '42', stringListValues: [], binaryListValues: [], dataType: 'Number' },
      blob: { binaryValue: 'AQID', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
    });
    const attributes = first?.attributes;
    expect(attributes?.ApproximateReceiveCount).toBe('1');
    expect(attributes?.SenderId).toMatch(/\S/);
    expect(Number(attributes?.SentTimestamp)).toBeGreaterThan(Date.now() - 60_000);
    expect(Number(attributes?.ApproximateFirstReceiveTimestamp)).toBeGreaterThanOrEqual(Number(attributes?.SentTimestamp));

    expect(second?.messageId).toBe(MessageId);
    expect(second?.attributes.ApproximateReceiveCount).toBe('2');
    expect(second?.attributes.ApproximateFirstReceiveTimestamp).toBe(attributes?.ApproximateFirstReceiveTimestamp);
    expect(second?.receiptHandle).not.toBe(first?.receiptHandle);

    const contexts = invocations.map((invocation) => invocation.context);
    expect(contexts[0]).toMatchObject({
      functionName: 'analyzer-queue-consumer',
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:000000000000:function:analyzer-queue-consumer`,
      logGroupName: '/aws/lambda/analyzer-queue-consumer',
    });
    expect(contexts[0]?.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(contexts[0]?.awsRequestId).not.toBe(contexts[1]?.awsRequestId);
    expect(contexts[0]?.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(invocations[0]?.remainingAtStart).toBeGreaterThan(900);
    expect(invocations[0]?.remainingAtStart).toBeLessThanOrEqual(1_000);
  });

  it('hands out batches of at most batchSize and deletes every handled message once', async () => {
    const ids = await sendBatch(Array.from({ length: 15 }, (_, i) => `message ${i}`));
    start(undefined, { batchSize: 4 });
    await poller?.idle();

    const sizes = invocations.map((invocation) => invocation.records.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(15);
    expect(new Set(invocations.flatMap((invocation) => invocation.records.map((r) => r.messageId)))).toEqual(new Set(ids));
    const handles = invocations.flatMap((invocation) => invocation.records.map((r) => r.receiptHandle));
    expect(handles.map(timesDeleted)).toEqual(handles.map(() => 1));
  });

  it('waits up to maximumBatchingWindowSeconds to fill a batch', async () => {
    start(undefined, { maximumBatchingWindowSeconds: 1 });
    const ids: string[] = [];
    for (const body of ['a', 'b', 'c']) {
      ids.push(...(await sendBatch([body])));
      await delay(150);
    }
    await poller?.idle();
    expect(invocations.map((invocation) => invocation.records.map((r) => r.messageId))).toEqual([ids]);
  });

  it('on a partial failure deletes the others once and redelivers only the failed item after the visibility timeout', async () => {
    const ids = await sendBatch(['m0', 'm1', 'm2', 'm3', 'm4']);
    const failing = ids[2] ?? '';
    start((event) => {
      const record = event.Records.find((r) => r.messageId === failing);
      return record?.attributes.ApproximateReceiveCount === '1' ? { batchItemFailures: [{ itemIdentifier: failing }] } : undefined;
    });
    await poller?.idle();

    for (const id of ids.filter((id) => id !== failing)) {
      const deliveries = deliveriesOf(id);
      expect(deliveries).toHaveLength(1);
      expect(timesDeleted(deliveries[0]?.receiptHandle ?? '')).toBe(1);
    }
    const [firstTry, retry] = deliveriesOf(failing);
    expect(deliveriesOf(failing)).toHaveLength(2);
    expect(timesDeleted(firstTry?.receiptHandle ?? '')).toBe(0);
    expect(timesDeleted(retry?.receiptHandle ?? '')).toBe(1);
    const [firstAt, retryAt] = invocations.filter((i) => i.records.some((r) => r.messageId === failing)).map((i) => i.at);
    expect((retryAt ?? 0) - (firstAt ?? 0)).toBeGreaterThanOrEqual(900);
    // local-aws-sqs counts ChangeMessageVisibility as a receive, so the poller must never call it.
    expect(sqs.commandNames.filter((name) => name.startsWith('ChangeMessageVisibility'))).toEqual([]);
  });

  it('redelivers the whole batch when the handler throws, and reports the error', async () => {
    const ids = await sendBatch(['t0', 't1', 't2']);
    const boom = new Error('boom');
    start((event) => {
      if (event.Records.some((r) => r.attributes.ApproximateReceiveCount === '1')) throw boom;
    });
    await poller?.idle();

    for (const id of ids) {
      const [firstTry, retry] = deliveriesOf(id);
      expect(deliveriesOf(id)).toHaveLength(2);
      expect(retry?.attributes.ApproximateReceiveCount).toBe('2');
      expect(timesDeleted(firstTry?.receiptHandle ?? '')).toBe(0);
      expect(timesDeleted(retry?.receiptHandle ?? '')).toBe(1);
    }
    expect(errors).toContain(boom);
  });

  it('treats an itemIdentifier that is not in the batch as a failure of the whole batch', async () => {
    const ids = await sendBatch(['x0', 'x1']);
    start((_event, n) => (n === 1 ? { batchItemFailures: [{ itemIdentifier: 'not-a-message-of-this-batch' }] } : undefined));
    await poller?.idle();

    expect(ids.map((id) => deliveriesOf(id).length)).toEqual([2, 2]);
    expect(String(errors[0])).toMatch(/not a message of this batch/);
  });

  it('deletes everything when ReportBatchItemFailures is off, whatever the handler returns', async () => {
    const ids = await sendBatch(['r0', 'r1']);
    start((event) => ({ batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) }), {
      reportBatchItemFailures: false,
    });
    await poller?.idle();
    expect(ids.map((id) => deliveriesOf(id).length)).toEqual([1, 1]);
    expect(sqs.deletedReceiptHandles).toHaveLength(2);
  });

  it('sends a message that keeps failing to the DLQ after maxReceiveCount receives, and stops delivering it', async () => {
    await poller?.stop();
    sqs.client.destroy();
    await queues.close();
    queues = await startQueues(dataDir, { visibilityTimeoutSeconds: 1, maxReceiveCount: 2 });
    sqs = clientFor(queues);

    const [poison = '', good = ''] = await sendBatch(['poison', 'good']);
    start((event) => ({
      batchItemFailures: event.Records.filter((r) => r.messageId === poison).map((r) => ({ itemIdentifier: r.messageId })),
    }));
    await poller?.idle();
    expect(deliveriesOf(poison).map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
    expect(deliveriesOf(good)).toHaveLength(1);

    const dead = await receiveAll(sqs.client, queues.dlqUrl);
    expect(dead.map((m) => [m.MessageId, m.Body])).toEqual([[poison, 'poison']]);
    await delay(1_300);
    expect(deliveriesOf(poison)).toHaveLength(2);
  });

  it('fails the batch when the handler outlives the function timeout', async () => {
    const [id = ''] = await sendBatch(['slow']);
    start(async (_event, n) => {
      if (n === 1) await delay(700);
    }, { functionTimeoutSeconds: 0.3 });
    await poller?.idle();
    expect(deliveriesOf(id)).toHaveLength(2);
    expect(errors.some((err) => err instanceof LambdaTimeoutError)).toBe(true);
  });

  it('runs up to `concurrency` batches in parallel', async () => {
    let running = 0;
    let maxRunning = 0;
    await sendBatch(['c0', 'c1', 'c2', 'c3']);
    start(async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await delay(200);
      running--;
    }, { batchSize: 1, concurrency: 2 });
    await poller?.idle();
    expect(invocations).toHaveLength(4);
    expect(maxRunning).toBe(2);
  });

  it('stops promptly when idle, and sends nothing afterwards', async () => {
    start();
    await delay(300);
    const startedAt = Date.now();
    await poller?.stop();
    expect(Date.now() - startedAt).toBeLessThan(250);
    const sent = sqs.commandNames.length;
    await delay(300);
    expect(sqs.commandNames.length).toBe(sent);
    await expect(poller?.idle()).rejects.toThrow(/stopped/);
  });

  it('lets the batch in flight finish (and be deleted) before stop() resolves', async () => {
    const [id = ''] = await sendBatch(['in flight']);
    let finished = false;
    start(async () => {
      await delay(300);
      finished = true;
    });
    await waitFor(() => invocations.length === 1, 3_000, 'the first invocation');
    await poller?.stop();
    expect(finished).toBe(true);
    expect(timesDeleted(deliveriesOf(id)[0]?.receiptHandle ?? '')).toBe(1);
  });
});
