import * as z from 'zod/mini';

/**
 * Settings of completion events and webhooks (API §8), beside ./config.ts so
 * that functions which neither emit nor deliver events do not carry them.
 */
const name = z.string().check(z.minLength(1));

/** Standard Webhooks secret: `whsec_` + base64 of 24–66 random bytes (the spec suggests 24–64). */
export const WEBHOOK_SECRET_PATTERN = /^whsec_(?:[A-Za-z0-9+/]{4}){8,22}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
export const WebhookSecret = z.string().check(
  z.regex(WEBHOOK_SECRET_PATTERN, { error: 'WEBHOOK_SECRET must be whsec_ followed by the base64 of at least 24 random bytes' }),
);
export const WebhookUrl = z.string().check(z.regex(/^https?:\/\/[^\s]+$/, { error: 'WEBHOOK_URL must be an http(s) URL' }));

/** Functions that emit completion events: EventBridge bus name and webhook outbox queue, each '' = off. */
export const EventsConfig = {
  EVENT_BUS_NAME: z._default(z.string(), ''),
  WEBHOOK_QUEUE_URL: z._default(z.string(), ''),
};

/** The webhook notifier (SQS → signed POST): the secret is read from Secrets Manager by name, never from env. */
export const NotifierConfig = z.object({
  WEBHOOK_URL: WebhookUrl,
  WEBHOOK_SECRET_ARN: name,
  WEBHOOK_QUEUE_URL: name,
});
