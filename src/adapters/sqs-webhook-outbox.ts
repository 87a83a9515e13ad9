import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { webhookBody, type OutgoingEvent } from '../core/image-events.js';
import type { Env } from '../config.js';
import type { EventPublisher } from '../ports/event-publisher.js';
import { RETRY_DELAYS_MS, sendRetryingRefused } from './retry-refused.js';
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
    private readonly retryDelaysMs: readonly number[] = RETRY_DELAYS_MS,
  ) {}

  async publish(events: readonly OutgoingEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += MAX_ENTRIES) {
      const entries = events.slice(i, i + MAX_ENTRIES).map((e, n) => ({ Id: String(n), MessageBody: JSON.stringify(toWebhookMessage(e)) }));
      await sendRetryingRefused(
        entries,
        async (pending) => {
          const out = await this.client.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: pending }));
          const failed = out.Failed ?? [];
          return { refused: pending.filter((p) => failed.some((f) => f.Id === p.Id)), codes: failed.map((f) => f.Code) };
        },
        'the webhook queue',
        this.retryDelaysMs,
      );
    }
  }
}

export const sqsClient = (env: Env) => new SQSClient(awsClientOptions(env, env.AWS_ENDPOINT_URL_SQS));
