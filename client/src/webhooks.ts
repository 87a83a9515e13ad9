/**
 * Completion events (SPEC §3.8) and their Standard Webhooks signature check.
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
import type { Label } from './types.js';

export { WebhookVerificationError };

export type TerminalStatus = 'approved' | 'under_review' | 'rejected' | 'failed';

/** A post the image is in (what the backend-server needs to find its `Picture`). */
export interface EventPost {
  post_id: number;
  picture_id: number;
  trip_id: number | null;
  location_id: number | null;
}

/** Why a picture is under review or rejected. */
export interface Moderation {
  label: string;
  confidence: number;
  threshold: number;
}

export interface ImageEventData {
  file_name: string;
  user_id: string;
  /** `image.analysed` only. */
  status?: TerminalStatus;
  /** `image.analysed` with a verdict (not `failed`): labels ≥ MIN_CONFIDENCE, highest first. */
  labels?: Label[];
  /** `under_review` / `rejected`, when the service records why. */
  moderation?: Moderation;
  /** `failed` only: a code and a sentence. */
  failure_reason?: string;
  posts: EventPost[];
}

export interface ImageEvent {
  type: 'image.analysed' | 'image.deleted';
  /** ISO 8601: when the record changed. */
  timestamp: string;
  data: ImageEventData;
}

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
