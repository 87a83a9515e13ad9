import { GetQueueAttributesCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../src/local/constants.js';
import { startLocalQueues, type LocalQueues } from '../../../src/local/sqs/index.js';
import {
  clientFor,
  delay,
  makeDataDir,
  messageCount,
  receiveAll,
  receiveNext,
  removeDataDir,
  startQueues,
} from '../../helpers/local-sqs.js';

describe('startLocalQueues', () => {
  let dataDir: string;
  let queues: LocalQueues;
  let client: SQSClient;

  beforeEach(async () => {
    dataDir = await makeDataDir();
    queues = await startQueues(dataDir, { maxReceiveCount: 3 });
    client = clientFor(queues).client;
  });

  afterEach(async () => {
    client.destroy();
    await queues.close();
    await removeDataDir(dataDir);
  });

  it('serves both queues on loopback with a redrive policy, visibility timeout and SSE', async () => {
    expect(queues.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(queues.queueUrl).toBe(`${queues.endpoint}/${LOCAL_ACCOUNT_ID}/analyzer-queue`);
    expect(queues.dlqUrl).toBe(`${queues.endpoint}/${LOCAL_ACCOUNT_ID}/analyzer-dlq`);
    expect(queues.queueArn).toBe(`arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:analyzer-queue`);

    const { Attributes: main = {} } = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: queues.queueUrl, AttributeNames: ['All'] }),
    );
    expect(main.QueueArn).toBe(queues.queueArn);
    expect(main.VisibilityTimeout).toBe('1');
    expect(main.SqsManagedSseEnabled).toBe('true');
    expect(JSON.parse(main.RedrivePolicy ?? '{}')).toEqual({ deadLetterTargetArn: queues.dlqArn, maxReceiveCount: 3 });

    const { Attributes: dlq = {} } = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: queues.dlqUrl, AttributeNames: ['QueueArn', 'SqsManagedSseEnabled'] }),
    );
    expect(dlq).toEqual({ QueueArn: queues.dlqArn, SqsManagedSseEnabled: 'true' });
  });

  it('moves a message to the DLQ once it has been received maxReceiveCount times, not before', async () => {
    const { MessageId } = await client.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: 'poison' }));
    for (let receive = 1; receive <= 3; receive++) {
      // Each receive uses the queue's 1 s visibility timeout; the next one waits for it to run out.
      const message = await receiveNext(client, queues.queueUrl, 3_000);
      expect(message.MessageId).toBe(MessageId);
      expect(message.Attributes?.ApproximateReceiveCount).toBe(String(receive));
      expect(await messageCount(client, queues.dlqUrl)).toBe(0);
    }
    await delay(1_300); // the third visibility timeout runs out: redrive instead of reappearing
    const dead = await receiveAll(client, queues.dlqUrl);
    expect(dead.map((m) => [m.MessageId, m.Body])).toEqual([[MessageId, 'poison']]);
    expect(dead[0]?.Attributes?.DeadLetterQueueSourceArn).toBe(queues.queueArn);
    expect(await messageCount(client, queues.queueUrl)).toBe(0);
  });

  it('refuses to bind anything but loopback', async () => {
    await expect(
      startLocalQueues({
        dataDir,
        host: '0.0.0.0',
        region: LOCAL_REGION,
        accountId: LOCAL_ACCOUNT_ID,
        credentials: LOCAL_CREDENTIALS,
        queue: { name: 'q', dlqName: 'd', visibilityTimeoutSeconds: 1, maxReceiveCount: 1 },
      }),
    ).rejects.toThrow(/loopback/);
  });
});
