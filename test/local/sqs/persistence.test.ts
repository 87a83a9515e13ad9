import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_REGION } from '../../../src/local/constants.js';
import { SNAPSHOT_FILE_NAME, startEventSourcePoller, type LocalQueues, type QueueSettings } from '../../../src/local/sqs/index.js';
import { clientFor, delay, makeDataDir, receiveAll, removeDataDir, startQueues, waitFor, type CountingClient } from '../../helpers/local-sqs.js';

describe('queue persistence across restarts', () => {
  let dataDir: string;
  let queues: LocalQueues | undefined;
  let sqs: CountingClient | undefined;

  beforeEach(async () => {
    dataDir = await makeDataDir();
  });

  afterEach(async () => {
    sqs?.client.destroy();
    await queues?.close();
    await removeDataDir(dataDir);
  });

  async function restart(settings: Partial<QueueSettings> = {}, port?: number): Promise<void> {
    sqs?.client.destroy();
    await queues?.close();
    queues = await startQueues(dataDir, settings, port);
    sqs = clientFor(queues);
  }

  const current = (): { queues: LocalQueues; sqs: CountingClient } => {
    if (!queues || !sqs) throw new Error('not started');
    return { queues, sqs };
  };

  /** Fails messages whose body starts with "fail" and keeps them invisible for `visibility` seconds. */
  async function handleOnce(visibility: number, bodies: string[]): Promise<void> {
    const { queues: q, sqs: s } = current();
    for (const body of bodies) await s.client.send(new SendMessageCommand({ QueueUrl: q.queueUrl, MessageBody: body }));
    let handled = 0;
    const poller = startEventSourcePoller({
      client: s.client,
      queueUrl: q.queueUrl,
      queueArn: q.queueArn,
      region: LOCAL_REGION,
      batchSize: 10,
      visibilityTimeoutSeconds: visibility,
      reportBatchItemFailures: true,
      handler: async (event) => {
        handled += event.Records.length;
        return {
          batchItemFailures: event.Records.filter((r) => r.body.startsWith('fail')).map((r) => ({ itemIdentifier: r.messageId })),
        };
      },
    });
    await waitFor(() => handled === bodies.length, 3_000, 'every message to be handled once');
    await poller.stop();
  }

  async function bodiesIn(queueUrl: string): Promise<string[]> {
    return (await receiveAll(current().sqs.client, queueUrl)).map((m) => m.Body ?? '').sort();
  }

  it('keeps the main queue and the DLQ, with message attributes, on the same port', async () => {
    await restart();
    const { queues: q, sqs: s } = current();
    await s.client.send(
      new SendMessageCommand({
        QueueUrl: q.queueUrl,
        MessageBody: 'main-1',
        MessageAttributes: {
          kind: { DataType: 'String', StringValue: 'upload' },
          raw: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 255, 7]) },
        },
      }),
    );
    await s.client.send(new SendMessageCommand({ QueueUrl: q.queueUrl, MessageBody: 'main-2' }));
    await s.client.send(new SendMessageCommand({ QueueUrl: q.dlqUrl, MessageBody: 'dead-1' }));
    const port = Number(new URL(q.endpoint).port);

    await restart({}, port);
    const saved = JSON.parse(await readFile(join(dataDir, SNAPSHOT_FILE_NAME), 'utf8')) as { queues: Record<string, unknown[]> };
    expect(Object.fromEntries(Object.entries(saved.queues).map(([name, list]) => [name, list.length]))).toEqual({
      'analyzer-queue': 2,
      'analyzer-dlq': 1,
    });

    const { queues: q2, sqs: s2 } = current();
    expect(q2.endpoint).toBe(q.endpoint);
    const main = await receiveAll(s2.client, q2.queueUrl);
    expect(main.map((m) => m.Body).sort()).toEqual(['main-1', 'main-2']);
    const withAttributes = main.find((m) => m.Body === 'main-1');
    expect(withAttributes?.MessageAttributes?.kind).toEqual({ DataType: 'String', StringValue: 'upload' });
    expect([...(withAttributes?.MessageAttributes?.raw?.BinaryValue ?? [])]).toEqual([0, 255, 7]);
    expect(await bodiesIn(q2.dlqUrl)).toEqual(['dead-1']);
  });

  it('keeps messages that are invisible because their handler failed, and not those it deleted', async () => {
    await restart({ maxReceiveCount: 3 });
    await handleOnce(30, ['fail-a', 'ok-b']);
    await restart({ maxReceiveCount: 3 });
    expect(await bodiesIn(current().queues.queueUrl)).toEqual(['fail-a']);
    expect(await bodiesIn(current().queues.dlqUrl)).toEqual([]);
  });

  it('puts an invisible message that has used up maxReceiveCount in the DLQ, where the queue would have', async () => {
    await restart({ maxReceiveCount: 1 });
    await handleOnce(30, ['fail-last-chance']);
    await restart({ maxReceiveCount: 1 });
    expect(await bodiesIn(current().queues.queueUrl)).toEqual([]);
    expect(await bodiesIn(current().queues.dlqUrl)).toEqual(['fail-last-chance']);
  });

  it('saves a message once when its visibility ran out just before close()', async () => {
    await restart({ maxReceiveCount: 3 });
    await handleOnce(1, ['fail-again']);
    await delay(1_200); // visible again, yet still within the registry's grace period
    await restart({ maxReceiveCount: 3 });
    expect(await bodiesIn(current().queues.queueUrl)).toEqual(['fail-again']);
  });

  it('drops saved messages older than the retention period', async () => {
    const now = Date.now();
    const stored = (body: string, sentTimestamp: number): object => ({ messageId: body, body, sentTimestamp });
    await writeFile(
      join(dataDir, SNAPSHOT_FILE_NAME),
      JSON.stringify({
        version: 1,
        savedAt: new Date(now).toISOString(),
        queues: { 'analyzer-queue': [stored('fresh', now - 10_000), stored('stale', now - 120_000)] },
      }),
    );
    await restart({ messageRetentionSeconds: 60 });
    expect(await bodiesIn(current().queues.queueUrl)).toEqual(['fresh']);
  });

  it('moves an unreadable snapshot aside and starts empty', async () => {
    await writeFile(join(dataDir, SNAPSHOT_FILE_NAME), '{ not json');
    await restart();
    expect(await bodiesIn(current().queues.queueUrl)).toEqual([]);
    expect((await readdir(dataDir)).some((name) => name.startsWith(`${SNAPSHOT_FILE_NAME}.corrupt-`))).toBe(true);
  });
});
