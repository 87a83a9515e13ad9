import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { webhookBody, type OutgoingEvent } from '../core/image-events.js';
import type { Env } from '../config.js';
import { PublishFailedError, type EventPublisher } from '../ports/event-publisher.js';
import type { WebhookMessage } from './webhook-sender.js';
import { awsClientOptions } from './aws-clients/common.js';

const MAX_ENTRIES = 10;

/** The outbox message: what the notifier signs and POSTs, with its stable id. */
export const toWebhookMessage = ({ id, event }: OutgoingEvent): WebhookMessage => ({ id, body: webhookBody(event) });

/**
 * The webhook outbox in AWS: events become SQS messages the notifier function
 * delivers, so an analyzer never waits for (or fails because of) a receiver.
 */
export class SqsWebhookOutbox implements EventPublisher {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async publish(events: readonly OutgoingEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += MAX_ENTRIES) {
      const batch = events.slice(i, i + MAX_ENTRIES);
      const out = await this.client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((e, n) => ({ Id: String(n), MessageBody: JSON.stringify(toWebhookMessage(e)) })),
        }),
      );
      if (out.Failed?.length) {
        throw new PublishFailedError(`the webhook queue refused ${out.Failed.length} of ${batch.length} events (${out.Failed.map((f) => f.Code).join(', ')})`);
      }
    }
  }
}

export const sqsClient = (env: Env) => new SQSClient(awsClientOptions(env, env.AWS_ENDPOINT_URL_SQS));
