/**
 * Completion events (API §8) and their Standard Webhooks signature check.
 * Browser-safe (no Node-only import), though a webhook is received server-side.
 *
 * ```ts
 * app.post('/webhooks/travellog', express.raw({ type: 'application/json' }), (req, res) => {
 *   const event = verifyWebhook(req.headers, req.body, process.env.TRAVELLOG_WEBHOOK_SECRET!); // throws WebhookVerificationError
 *   if (event.type === 'image.analysed' && event.data.status === 'rejected') hide(event.data.file_name);
 *   res.sendStatus(204);
 * });
 * ```
 */
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import type * as z from 'zod/mini';
import type * as wire from '../../src/wire/events.js';

export { WebhookVerificationError };
export type { TerminalStatus } from '../../src/wire/constants.js';
import type { TerminalStatus } from '../../src/wire/constants.js';

/** A post the image is in (what the backend-server needs to find its `Picture`). */
export type EventPost = z.output<typeof wire.EventPost>;
/** Why a picture is under review or rejected. */
export type Moderation = z.output<typeof wire.Moderation>;
/**
 * `status` on `image.analysed` only; `labels` with a verdict (not `failed`); `moderation` for
 * `under_review` / `rejected` when recorded; `failure_reason` (a code and a sentence) for `failed` only.
 */
export type ImageEventData = z.output<typeof wire.ImageEventData>;
/** The webhook body (and the EventBridge `detail`); `timestamp` is ISO 8601, when the record changed. */
export type ImageEvent = z.output<typeof wire.ImageEvent>;

export type ImageAnalysedEvent = ImageEvent & { type: 'image.analysed'; data: ImageEventData & { status: TerminalStatus } };
export type ImageDeletedEvent = ImageEvent & { type: 'image.deleted' };

/** Header values as Node (`IncomingHttpHeaders`), fetch (`Headers`) or a plain object give them. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

const headerRecord = (headers: WebhookHeaders): Record<string, string> => {
  const out: Record<string, string> = {};
  const entries: Iterable<[string, unknown]> = typeof Headers !== 'undefined' && headers instanceof Headers ? headers.entries() : Object.entries(headers);
  for (const [k, v] of entries) {
    const value = Array.isArray(v) ? v[0] : v;
    if (typeof value === 'string') out[k.toLowerCase()] = value;
  }
  return out;
};

const isImageEvent = (v: unknown): v is ImageEvent => {
  const e = v as ImageEvent | null;
  return (
    typeof e === 'object' && e !== null &&
    (e.type === 'image.analysed' || e.type === 'image.deleted') &&
    typeof e.timestamp === 'string' &&
    typeof e.data?.file_name === 'string' && typeof e.data.user_id === 'string' && Array.isArray(e.data.posts)
  );
};

/**
 * Verifies a webhook (Standard Webhooks, with the maintained `standardwebhooks`
 * implementation) and returns its event. Throws `WebhookVerificationError` when a
 * header is missing, the signature does not match the exact body bytes, id and
 * timestamp under `secret` (`whsec_<base64>`), or the timestamp is more than
 * 5 minutes from now (a replay). Pass the raw body, not re-serialised JSON.
 */
export const verifyWebhook = (headers: WebhookHeaders, body: string | Uint8Array, secret: string): ImageEvent => {
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  const event = new Webhook(secret).verify(text, headerRecord(headers));
  if (!isImageEvent(event)) throw new WebhookVerificationError('The signed body is not a TravelLog image event');
  return event;
};
