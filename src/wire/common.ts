import * as z from 'zod/mini';
import { FILE_NAME_PATTERN, IMAGE_HASH_PATTERN, MAX_ID } from './constants.js';

/** Shapes several routes share. */

export const PositiveId = z.number({ error: 'must be a number' }).check(
  z.int({ error: 'must be an integer' }),
  z.minimum(1, { error: 'must be positive' }),
  z.maximum(MAX_ID, { error: 'is too large' }),
);

export const FileName = z.string().check(z.regex(FILE_NAME_PATTERN));

export const ImageHash = z.string().check(z.regex(IMAGE_HASH_PATTERN));

/** A label as stored and returned: Rekognition's shape, flattened. */
export const Label = z.strictObject({
  name: z.string().check(z.minLength(1)),
  confidence: z.number().check(z.minimum(0), z.maximum(100)),
  parents: z.array(z.string()),
});

/** One post an image was registered in (an image can be in several posts of one user). */
export const Placement = z.strictObject({
  post_id: PositiveId,
  picture_id: PositiveId,
  trip_id: z.nullable(PositiveId),
  location_id: z.nullable(PositiveId),
  content: z.string(),
});
