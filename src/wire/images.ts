import * as z from 'zod/mini';
import { ImageHash, FileName, Label, Placement } from './common.js';
import { AnalysisSource, ImageStatus } from './statuses.js';
import { Moderation } from './events.js';

/** One variant of the image (shared by every user who uploaded the same bytes): a JPEG without metadata. */
export const VariantInfo = z.strictObject({
  width: z.int().check(z.minimum(1)),
  height: z.int().check(z.minimum(1)),
  content_type: z.string(),
  bytes: z.int().check(z.minimum(1)),
});

/** The variants made so far: `{}` until the analysis made them (and for a `failed` image). */
export const Variants = z.strictObject({
  /** Long side ≤ 320 px. */
  thumb: z.optional(VariantInfo),
  /** Long side ≤ 1600 px. */
  preview: z.optional(VariantInfo),
});

const nullableInt = z.nullable(z.int());
const timestamp = z.iso.datetime();

/** `GET /images/{file_name}`: the owner's record (null where a field does not apply yet). */
export const ImageRecord = z.strictObject({
  file_name: FileName,
  image_hash: ImageHash,
  content_type: z.string(),
  status: ImageStatus,
  /** Labels at or above `MIN_CONFIDENCE`, highest first. */
  rekognition_results: z.array(Label),
  analysis_source: z.nullable(AnalysisSource),
  /** For `failed`: `<code>: <sentence>`, e.g. `invalid_image: The file is not a JPEG or PNG image.` */
  failure_reason: z.nullable(z.string()),
  /** For `under_review` / `rejected`: the censored label, its confidence and the threshold it reached. */
  moderation: z.nullable(Moderation),
  variants: Variants,
  /** The latest registration's post (see `posts` for all). */
  post_id: nullableInt,
  picture_id: nullableInt,
  trip_id: nullableInt,
  location_id: nullableInt,
  content: z.nullable(z.string()),
  posts: z.array(Placement),
  object_size: z.nullable(z.int().check(z.minimum(0))),
  created_at: timestamp,
  updated_at: timestamp,
  uploaded_at: z.nullable(timestamp),
  analysed_at: z.nullable(timestamp),
  /** While `waiting`: when the registration expires. */
  expires_at: z.nullable(timestamp),
});
