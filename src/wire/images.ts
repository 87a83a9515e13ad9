import * as z from 'zod/mini';
import { ImageHash, FileName, Label, Placement } from './common.js';
import { AnalysisSource, ImageStatus } from './statuses.js';

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
  failure_reason: z.nullable(z.string()),
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
