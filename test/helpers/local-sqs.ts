import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/local/constants.js';
import { startLocalQueues, type LocalQueues, type QueueSettings } from '../../src/local/sqs/index.js';

export const QUEUE: QueueSettings = {
  name: 'analyzer-queue',
  dlqName: 'analyzer-dlq',
  visibilityTimeoutSeconds: 1,
  maxReceiveCount: 3,
};

export async function makeDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'local-sqs-test-'));
}

export async function removeDataDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export function startQueues(dataDir: string, queue: Partial<QueueSettings> = {}, port?: number): Promise<LocalQueues> {
  return startLocalQueues({
    dataDir,
    ...(port === undefined ? {} : { port }),
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT_ID,
    credentials: LOCAL_CREDENTIALS,
    queue: { ...QUEUE, ...queue },
  });
}

export interface CountingClient {
  client: SQSClient;
  /** Receipt handles passed to DeleteMessageBatch / DeleteMessage, in call order. */
  deletedReceiptHandles: string[];
  /** Every command sent, e.g. 'ReceiveMessageCommand'. */
  commandNames: string[];
}

/** A real SDK client that also records every delete the poller asks for. */
export function clientFor(queues: LocalQueues): CountingClient {
  const client = new SQSClient({ endpoint: queues.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const deletedReceiptHandles: string[] = [];
  const commandNames: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      commandNames.push(context.commandName ?? '');
      const input = args.input as { Entries?: { ReceiptHandle?: string }[]; ReceiptHandle?: string };
      if (context.commandName === 'DeleteMessageBatchCommand') {
        deletedReceiptHandles.push(...(input.Entries ?? []).map((entry) => entry.ReceiptHandle ?? ''));
      } else if (context.commandName === 'DeleteMessageCommand') {
        deletedReceiptHandles.push(input.ReceiptHandle ?? '');
      }
      return next(args);
    },
    { step: 'initialize', name: 'countDeletes' },
  );
  return { client, deletedReceiptHandles, commandNames };
}

/** Receives everything visible in a queue right now (test inspection; leaves messages invisible). */
export async function receiveAll(client: SQSClient, queueUrl: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 30,
        AttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) return all;
    all.push(...Messages);
  }
}

export async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until one message is visible and receives it with the queue's own visibility timeout. */
export async function receiveNext(client: SQSClient, queueUrl: string, timeoutMs: number): Promise<Message> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 0, AttributeNames: ['All'] }),
    );
    if (Messages[0]) return Messages[0];
    if (Date.now() > deadline) throw new Error('no message became visible');
    await delay(20);
  }
}

export async function messageCount(client: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(Attributes.ApproximateNumberOfMessages);
}
