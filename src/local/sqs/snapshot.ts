import { SendMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { clearInFlight, invisibleMessagesAt, type InFlightMessage } from './in-flight-registry.js';
import { fromStoredMessageAttributes, toStoredMessageAttributes } from './message-attributes.js';
import type { QueuesSnapshot, StoredMessage } from './persistence.js';
import { receiveMessages } from './receive.js';

export interface QueueRef {
  name: string;
  url: string;
  arn: string;
  retentionSeconds: number;
}

export interface QueuePair {
  main: QueueRef;
  dlq: QueueRef;
  maxReceiveCount: number;
}

/** Long enough that nothing drained reappears (or is redriven) before the server is gone. */
const DRAIN_VISIBILITY_SECONDS = 43_200;

/** Receives every visible message. This bumps receive counts, which is harmless: the queue is about to close. */
async function drainVisible(client: SQSClient, queueUrl: string): Promise<Message[]> {
  const drained: Message[] = [];
  for (;;) {
    const batch = await receiveMessages(client, queueUrl, 10, DRAIN_VISIBILITY_SECONDS);
    if (batch.length === 0) return drained;
    drained.push(...batch);
  }
}

function fromReceived(message: Message): StoredMessage {
  return {
    messageId: message.MessageId ?? '',
    body: message.Body ?? '',
    messageAttributes: toStoredMessageAttributes(message.MessageAttributes),
    sentTimestamp: Number(message.Attributes?.SentTimestamp) || undefined,
  };
}

function fromInFlight(message: InFlightMessage): StoredMessage {
  return {
    messageId: message.messageId,
    body: message.body,
    messageAttributes: toStoredMessageAttributes(message.messageAttributes),
    sentTimestamp: message.sentTimestamp,
  };
}

/**
 * Everything both queues hold, for `close()`. Call it after the pollers are stopped.
 *
 * Visible messages are drained through the API. Invisible ones (in flight, or failed and
 * waiting out their visibility timeout) cannot be read from local-aws-sqs, so they come from
 * the pollers' in-flight registry. A message is in exactly one of those places, except when
 * its visibility expires mid-snapshot: the duplicate is dropped by MessageId (redrive keeps
 * the id). An invisible main-queue message that has used up maxReceiveCount is stored in the
 * DLQ, which is where the queue would move it when its visibility timeout ran out.
 */
export async function captureQueues(client: SQSClient, queues: QueuePair): Promise<QueuesSnapshot> {
  const startedAt = Date.now();
  const invisibleMain = invisibleMessagesAt(queues.main.arn, startedAt);
  const invisibleDlq = invisibleMessagesAt(queues.dlq.arn, startedAt);
  // Main first: a message redriven while we drain the main queue is then found in the DLQ.
  const visibleMain = await drainVisible(client, queues.main.url);
  const visibleDlq = await drainVisible(client, queues.dlq.url);

  const seen = new Set([...visibleMain, ...visibleDlq].map((message) => message.MessageId));
  const unseen = (message: InFlightMessage): boolean => !seen.has(message.messageId);
  const exhausted = (message: InFlightMessage): boolean => message.receiveCount >= queues.maxReceiveCount;

  const main = [
    ...visibleMain.map(fromReceived),
    ...invisibleMain.filter((m) => unseen(m) && !exhausted(m)).map(fromInFlight),
  ];
  const dlq = [
    ...visibleDlq.map(fromReceived),
    ...invisibleDlq.filter(unseen).map(fromInFlight),
    ...invisibleMain.filter((m) => unseen(m) && exhausted(m)).map(fromInFlight),
  ];
  // The same ARNs come back on restart in this process: stale entries must not be saved twice.
  clearInFlight(queues.main.arn);
  clearInFlight(queues.dlq.arn);
  return { version: 1, savedAt: new Date(startedAt).toISOString(), queues: { [queues.main.name]: main, [queues.dlq.name]: dlq } };
}

async function sendAll(client: SQSClient, queue: QueueRef, messages: StoredMessage[]): Promise<number> {
  const oldestKept = Date.now() - queue.retentionSeconds * 1000;
  const kept = messages.filter((message) => message.sentTimestamp === undefined || message.sentTimestamp > oldestKept);
  for (const message of kept) {
    await client.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: message.body,
        MessageAttributes: fromStoredMessageAttributes(message.messageAttributes),
      }),
    );
  }
  return kept.length;
}

/**
 * Re-sends saved messages. They get new MessageIds and SentTimestamps, their receive counts
 * start again at 0 (SQS has no API to set them), and DLQ messages lose the
 * DeadLetterQueueSourceArn attribute (SendMessage only accepts AWSTraceHeader).
 * Messages past the retention period are dropped.
 */
export async function restoreQueues(client: SQSClient, queues: QueuePair, snapshot: QueuesSnapshot): Promise<void> {
  for (const [name, messages] of Object.entries(snapshot.queues)) {
    const queue = [queues.main, queues.dlq].find((q) => q.name === name);
    if (queue) await sendAll(client, queue, messages);
    else if (messages.length > 0) {
      console.error(`[local sqs] snapshot holds ${messages.length} messages for unknown queue ${name}; dropped`);
    }
  }
}
