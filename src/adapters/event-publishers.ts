import type { Env } from '../config.js';
import { EventsConfig } from '../events-config.js';
import { readConfig } from '../config.js';
import * as z from 'zod/mini';
import { fanOut, type EventPublisher } from '../ports/event-publisher.js';
import { EventBridgePublisher, eventBridgeClient } from './eventbridge-event-publisher.js';
import { sqsClient, SqsWebhookOutbox } from './sqs-webhook-outbox.js';

/**
 * Where an emitting function (analyzer, images) sends completion events in AWS:
 * EventBridge's bus (EVENT_BUS_NAME, `default` in the template) and, with a
 * WebhookUrl, the webhook queue (WEBHOOK_QUEUE_URL). Either empty = off.
 */
export const awsEventPublisher = (env: Env): EventPublisher => {
  const c = readConfig(z.object(EventsConfig), env);
  return fanOut([
    ...(c.EVENT_BUS_NAME ? [new EventBridgePublisher(eventBridgeClient(env), c.EVENT_BUS_NAME)] : []),
    ...(c.WEBHOOK_QUEUE_URL ? [new SqsWebhookOutbox(sqsClient(env), c.WEBHOOK_QUEUE_URL)] : []),
  ]);
};
