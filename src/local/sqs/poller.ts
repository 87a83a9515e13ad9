import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { interpretBatchResponse, type BatchOutcome } from './batch-response.js';
import { forgetInFlight, rememberInFlight } from './in-flight-registry.js';
import { lambdaContext, newLogStreamName, type LambdaIdentity } from '../lambda-context.js';
import { toSqsRecord } from './lambda-event.js';
import { receiveMessages, uniqueByMessageId } from './receive.js';
import { sleep } from './sleep.js';

export interface EventSourceMapping {
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  region: string;
  batchSize: number; // 1..10
  maximumBatchingWindowSeconds?: number;
  visibilityTimeoutSeconds: number;
  reportBatchItemFailures: boolean; // like FunctionResponseTypes: ['ReportBatchItemFailures']
  concurrency?: number; // parallel batches, default 1
  handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;
  onError?: (err: unknown) => void;
  /** Each message the handler failed: it comes back after the visibility timeout, or the queue redrives it to the DLQ. */
  onMessageFailed?: (failure: FailedMessage) => void;
  /** Context.functionName; default `<queue name>-consumer`. */
  functionName?: string;
  /** Lambda's function timeout; default visibilityTimeoutSeconds (AWS requires timeout ≤ visibility). */
  functionTimeoutSeconds?: number;
}

export interface FailedMessage {
  messageId: string;
  body: string;
  /** How many times it has been received, this time included. */
  receiveCount: number;
  /** Set when the whole batch failed (the handler threw, timed out or answered malformed). */
  batchFailure?: string;
}

export interface Poller {
  stop(): Promise<void>;
  /** resolves when the queue is empty and nothing is in flight (rejects if stop() comes first) */
  idle(): Promise<void>;
}

/** Pause between polls of an empty queue (our stand-in for long polling, see receive.ts). */
const EMPTY_QUEUE_PAUSE_MS = 100;
const ERROR_BACKOFF_MS = 1_000;
const IDLE_CHECK_MS = 50;

export class LambdaTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
    this.name = 'LambdaTimeoutError';
  }
}

function validate(m: EventSourceMapping): void {
  if (!Number.isInteger(m.batchSize) || m.batchSize < 1 || m.batchSize > 10) {
    throw new RangeError(`batchSize must be an integer in 1..10, got ${m.batchSize}`);
  }
  if (!(m.visibilityTimeoutSeconds >= 1)) {
    throw new RangeError('visibilityTimeoutSeconds must be at least 1');
  }
  if (m.concurrency !== undefined && (!Number.isInteger(m.concurrency) || m.concurrency < 1)) {
    throw new RangeError('concurrency must be a positive integer');
  }
}

/**
 * Polls an SQS queue and invokes `handler` the way Lambda's SQS event source mapping does.
 * Failed messages are simply not deleted: they stay invisible until the visibility timeout
 * expires and then come back (or are redriven to the DLQ by the queue). We never call
 * ChangeMessageVisibility: local-aws-sqs counts that as a receive, which would send messages
 * to the DLQ early.
 */
export function startEventSourcePoller(m: EventSourceMapping): Poller {
  validate(m);
  const queueName = m.queueArn.split(':').at(-1) ?? 'queue';
  const accountId = m.queueArn.split(':')[4] ?? '000000000000';
  const functionName = m.functionName ?? `${queueName}-consumer`;
  const timeoutMs = (m.functionTimeoutSeconds ?? m.visibilityTimeoutSeconds) * 1000;
  const batchingWindowMs = (m.maximumBatchingWindowSeconds ?? 0) * 1000;
  const reportError = m.onError ?? ((err: unknown) => console.error('[sqs poller]', err));

  const stopController = new AbortController();
  const stopSignal = stopController.signal;
  let batchesInFlight = 0;

  async function receiveAndRegister(maxMessages: number): Promise<Message[]> {
    const receivedAt = Date.now();
    const messages = await receiveMessages(m.client, m.queueUrl, maxMessages, m.visibilityTimeoutSeconds);
    for (const message of messages) {
      rememberInFlight(m.queueArn, {
        messageId: message.MessageId ?? '',
        body: message.Body ?? '',
        messageAttributes: message.MessageAttributes,
        sentTimestamp: Number(message.Attributes?.SentTimestamp) || undefined,
        receiveCount: Number(message.Attributes?.ApproximateReceiveCount) || 1,
        invisibleUntil: receivedAt + m.visibilityTimeoutSeconds * 1000,
      });
    }
    return messages;
  }

  /** A batch as Lambda gathers it: up to batchSize, waiting up to the batching window once a message is in. */
  async function gatherBatch(): Promise<Message[]> {
    let batch = await receiveAndRegister(m.batchSize);
    if (batch.length === 0 || batchingWindowMs === 0) return batch;
    const deadline = Date.now() + batchingWindowMs;
    while (batch.length < m.batchSize && Date.now() < deadline && !stopSignal.aborted) {
      const more = await receiveAndRegister(m.batchSize - batch.length);
      batch = uniqueByMessageId([...batch, ...more]);
      if (more.length === 0) await sleep(Math.min(EMPTY_QUEUE_PAUSE_MS, deadline - Date.now()), stopSignal);
    }
    return batch;
  }

  async function invokeHandler(event: SQSEvent, context: Context): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LambdaTimeoutError(timeoutMs)), timeoutMs);
    });
    try {
      // Like Lambda, a timed-out invocation fails the batch; we cannot kill the handler, so its late result is ignored.
      return await Promise.race([Promise.resolve().then(() => m.handler(event, context)), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function deleteMessages(messages: Message[]): Promise<void> {
    try {
      const result = await m.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: m.queueUrl,
          Entries: messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
        }),
      );
      for (const entry of result.Successful ?? []) {
        const message = messages[Number(entry.Id)];
        if (message?.MessageId) forgetInFlight(m.queueArn, message.MessageId);
      }
      if (result.Failed?.length) reportError(new Error(`DeleteMessageBatch failed: ${JSON.stringify(result.Failed)}`));
    } catch (err) {
      reportError(err);
    }
  }

  async function processBatch(messages: Message[], env: LambdaIdentity): Promise<void> {
    batchesInFlight++;
    try {
      const event: SQSEvent = { Records: messages.map((message) => toSqsRecord(message, m.queueArn, m.region)) };
      const batchIds = new Set(event.Records.map((record) => record.messageId));
      let outcome: BatchOutcome;
      try {
        const response = await invokeHandler(event, lambdaContext(env, Date.now() + timeoutMs));
        outcome = interpretBatchResponse(response, batchIds, m.reportBatchItemFailures);
        if (outcome.kind === 'all-failed') reportError(new Error(`whole batch failed: ${outcome.reason}`));
      } catch (err) {
        reportError(err);
        outcome = { kind: 'all-failed', reason: `handler threw: ${err instanceof Error ? err.message : String(err)}` };
      }
      const failed = outcome.kind === 'partial' ? outcome.failedMessageIds : new Set<string>();
      if (m.onMessageFailed) {
        const batchFailure = outcome.kind === 'all-failed' ? outcome.reason : undefined;
        for (const message of messages) {
          if (batchFailure === undefined && !failed.has(message.MessageId ?? '')) continue;
          m.onMessageFailed({
            messageId: message.MessageId ?? '',
            body: message.Body ?? '',
            receiveCount: Number(message.Attributes?.ApproximateReceiveCount) || 1,
            ...(batchFailure !== undefined ? { batchFailure } : {}),
          });
        }
      }
      if (outcome.kind === 'all-failed') return; // everything reappears after the visibility timeout
      const succeeded = messages.filter((message) => !failed.has(message.MessageId ?? ''));
      if (succeeded.length > 0) await deleteMessages(succeeded);
    } finally {
      batchesInFlight--;
    }
  }

  async function runWorker(): Promise<void> {
    const env: LambdaIdentity = { functionName, region: m.region, accountId, logStreamName: newLogStreamName() };
    while (!stopSignal.aborted) {
      let batch: Message[];
      try {
        batch = await gatherBatch();
      } catch (err) {
        reportError(err);
        await sleep(ERROR_BACKOFF_MS, stopSignal);
        continue;
      }
      // Messages already received when stop() was called are still handled: dropping them
      // would cost them a receive (and maybe a premature trip to the DLQ) for nothing.
      if (batch.length > 0) await processBatch(batch, env);
      else await sleep(EMPTY_QUEUE_PAUSE_MS, stopSignal);
    }
  }

  async function queueIsEmpty(): Promise<boolean> {
    const { Attributes = {} } = await m.client.send(
      new GetQueueAttributesCommand({
        QueueUrl: m.queueUrl,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    return Object.values(Attributes).every((count) => Number(count) === 0);
  }

  const workers = Array.from({ length: m.concurrency ?? 1 }, () => runWorker());

  return {
    async stop() {
      stopController.abort();
      await Promise.all(workers);
    },
    async idle() {
      for (;;) {
        if (stopSignal.aborted) throw new Error('poller stopped before the queue became idle');
        // Received-but-unfinished messages still count as not visible, so an empty queue
        // with no batch in flight means everything was deleted or redriven.
        if (batchesInFlight === 0 && (await queueIsEmpty()) && batchesInFlight === 0) return;
        await sleep(IDLE_CHECK_MS, stopSignal);
      }
    },
  };
}
