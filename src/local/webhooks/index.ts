import { join } from 'node:path';
import { LOCAL_RETRY_SECONDS } from '../../core/webhook-retry.js';
import { WebhookSender } from '../../adapters/webhook-sender.js';
import { readConfig, type Env } from '../../config.js';
import { WebhookSecret, WebhookUrl } from '../../events-config.js';
import * as z from 'zod/mini';
import { startLocalOutbox, type LocalOutbox } from './outbox.js';

export { startLocalOutbox, type LocalOutbox } from './outbox.js';
export { Journal, type DeadLetter } from './journal.js';

const seconds = z.pipe(
  z.string(),
  z.transform((s, ctx) => {
    const list = s.split(',').map((x) => Number(x.trim()));
    if (list.length === 0 || list.some((n) => !Number.isFinite(n) || n < 0 || n > 86_400)) {
      ctx.issues.push({ code: 'custom', message: 'WEBHOOK_RETRY_SECONDS is a comma-separated list of delays in seconds (0–86400)', input: s });
    }
    return list;
  }),
);

/** The local stack's webhook settings (API §8); all unset = no webhook. */
export const LocalWebhookConfig = z
  .object({
    WEBHOOK_URL: z.optional(WebhookUrl),
    WEBHOOK_SECRET: z.optional(WebhookSecret),
    WEBHOOK_RETRY_SECONDS: z.optional(seconds),
    WEBHOOK_TIMEOUT_MS: z.optional(z.pipe(z.string(), z.pipe(z.transform(Number), z.number().check(z.int(), z.minimum(1), z.maximum(10_000))))),
  })
  .check(z.refine((c) => !c.WEBHOOK_URL || !!c.WEBHOOK_SECRET, { error: 'WEBHOOK_URL needs WEBHOOK_SECRET (whsec_<base64>)' }));

/** The local outbox delivering to WEBHOOK_URL, or undefined when no webhook is configured. */
export const startLocalWebhooks = async (env: Env, dataDir: string, o: { onError?: (e: unknown) => void } = {}): Promise<{ outbox: LocalOutbox; url: string } | undefined> => {
  const c = readConfig(LocalWebhookConfig, env);
  if (!c.WEBHOOK_URL || !c.WEBHOOK_SECRET) return undefined;
  const sender = new WebhookSender({ url: c.WEBHOOK_URL, secret: c.WEBHOOK_SECRET, timeoutMs: c.WEBHOOK_TIMEOUT_MS });
  const outbox = await startLocalOutbox({
    dir: join(dataDir, 'webhooks'),
    send: (m, signal) => sender.send(m, signal),
    retrySeconds: c.WEBHOOK_RETRY_SECONDS ?? LOCAL_RETRY_SECONDS,
    onDead: (l) => console.error(`webhook ${l.id} moved to the local DLQ after ${l.attempts} attempts (${l.reason})`),
    onError: o.onError,
  });
  return { outbox, url: c.WEBHOOK_URL };
};
