import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * The local stand-in for SQS's "Start DLQ redrive" (StartMessageMoveTask on AWS): every
 * message of the dead-letter queue goes back to its source queue, body and attributes
 * unchanged, and the analyzer tries again. Each batch is sent before it is deleted, so a
 * crash between the two sends a message twice, never loses one (the analysis is idempotent).
 * Returns how many were moved.
 */
export const redriveDeadLetters = async (sqs: SQSClient, dlqUrl: string, queueUrl: string): Promise<number> => {
  let moved = 0;
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 60, MessageAttributeNames: ['All'] }),
    );
    if (Messages.length === 0) return moved;
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), MessageBody: m.Body ?? '', ...(m.MessageAttributes ? { MessageAttributes: m.MessageAttributes } : {}) })),
      }),
    );
    if (sent.Failed?.length) throw new Error(`the queue refused ${sent.Failed.length} redriven messages (${sent.Failed.map((f) => f.Code).join(', ')}); they stay in the DLQ`);
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: dlqUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
    moved += Messages.length;
  }
};

/** Messages waiting in a queue (SQS's approximate count; exact on the local stand-in). */
export const queueDepth = async (sqs: SQSClient, queueUrl: string): Promise<number> => {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
};
