import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueDepth, redriveDeadLetters, type LocalQueues } from '../../../src/local/sqs/index.js';
import { clientFor, makeDataDir, receiveAll, removeDataDir, startQueues } from '../../helpers/local-sqs.js';

describe('redriveDeadLetters: the DLQ back to its queue (real SQS API on local-aws-sqs)', () => {
  let dataDir: string;
  let queues: LocalQueues;
  let sqs: SQSClient;

  beforeAll(async () => {
    dataDir = await makeDataDir();
    queues = await startQueues(dataDir);
    sqs = clientFor(queues).client;
  });
  afterAll(async () => {
    sqs.destroy();
    await queues.close();
    await removeDataDir(dataDir);
  });

  it('moves every message, body and attributes unchanged, more than one batch of 10, and empties the DLQ', async () => {
    const bodies = Array.from({ length: 23 }, (_, i) => `dead letter ${i}`);
    for (let i = 0; i < bodies.length; i += 10) {
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queues.dlqUrl,
          Entries: bodies.slice(i, i + 10).map((b, n) => ({ Id: String(n), MessageBody: b, MessageAttributes: { origin: { DataType: 'String', StringValue: `o-${b}` } } })),
        }),
      );
    }
    expect(await queueDepth(sqs, queues.dlqUrl)).toBe(23);

    expect(await redriveDeadLetters(sqs, queues.dlqUrl, queues.queueUrl)).toBe(23);

    expect(await queueDepth(sqs, queues.dlqUrl)).toBe(0);
    const back = await receiveAll(sqs, queues.queueUrl);
    expect(back.map((m) => m.Body).sort()).toEqual([...bodies].sort());
    for (const m of back) expect(m.MessageAttributes?.origin?.StringValue).toBe(`o-${m.Body}`);
  });

  it('moves nothing from an empty DLQ', async () => {
    expect(await redriveDeadLetters(sqs, queues.dlqUrl, queues.queueUrl)).toBe(0);
  });
});
