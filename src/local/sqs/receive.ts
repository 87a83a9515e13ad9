import { ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * One ReceiveMessage call as Lambda's pollers make it, adapted to local-aws-sqs 2.0.2:
 * - `AttributeNames: ['All']` is sent next to `MessageSystemAttributeNames`, because the local
 *   server ignores the newer parameter and would return no system attributes at all.
 * - `WaitTimeSeconds: 0`: the local server holds every receive for 40 ms + WaitTimeSeconds
 *   unless MaxNumberOfMessages are available (real SQS answers as soon as any message is),
 *   and during a hold longer than the visibility timeout it returns the same message twice,
 *   bumping its receive count twice. Callers poll again after a short pause instead.
 */
export async function receiveMessages(
  client: SQSClient,
  queueUrl: string,
  maxMessages: number,
  visibilityTimeoutSeconds: number,
): Promise<Message[]> {
  const { Messages } = await client.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: maxMessages,
      WaitTimeSeconds: 0,
      VisibilityTimeout: visibilityTimeoutSeconds,
      AttributeNames: ['All'],
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
  );
  return uniqueByMessageId(Messages ?? []);
}

/** Keeps the last copy of each message: its receipt handle is the current one. */
export function uniqueByMessageId(messages: Message[]): Message[] {
  const byId = new Map<string, Message>();
  for (const message of messages) if (message.MessageId) byId.set(message.MessageId, message);
  return [...byId.values()];
}
