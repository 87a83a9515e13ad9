import * as z from 'zod/mini';
import { TERMINAL_STATUSES, USER_ID_PATTERN } from './constants.js';
import { FileName, Label, PositiveId } from './common.js';

/**
 * Completion events (docs/api.md, events): the webhook body and the EventBridge
 * `detail`. src/core/image-events.ts builds them, the client verifies and types
 * them, the OpenAPI `webhooks` section documents them.
 */

/** A post the image is in (the registration's ids, without the post text). */
export const EventPost = z.strictObject({
  post_id: PositiveId,
  picture_id: PositiveId,
  trip_id: z.nullable(PositiveId),
  location_id: z.nullable(PositiveId),
});

/** Why an image is under review or rejected: the censored label, its confidence and the threshold it reached. */
export const Moderation = z.strictObject({
  label: z.string(),
  confidence: z.number().check(z.minimum(0), z.maximum(100)),
  threshold: z.number().check(z.minimum(0), z.maximum(100)),
});

/**
 * Fields that do not apply are absent: `status` and `labels` on `image.analysed`,
 * `moderation` for `under_review`/`rejected` when known, `failure_reason` for `failed` (no `labels` then).
 */
export const ImageEventData = z.strictObject({
  file_name: FileName,
  user_id: z.string().check(z.regex(USER_ID_PATTERN)),
  status: z.optional(z.enum(TERMINAL_STATUSES)),
  labels: z.optional(z.array(Label)),
  moderation: z.optional(Moderation),
  failure_reason: z.optional(z.string()),
  posts: z.array(EventPost),
});

export const IMAGE_EVENT_TYPES = ['image.analysed', 'image.deleted'] as const;

export const ImageEvent = z.strictObject({
  type: z.enum(IMAGE_EVENT_TYPES),
  /** When the record changed (ISO 8601). */
  timestamp: z.iso.datetime(),
  data: ImageEventData,
});
