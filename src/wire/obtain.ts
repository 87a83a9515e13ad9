import * as z from 'zod/mini';
import { OBTAINABLE } from '../core/variants.js';

/** `?variant=` of `GET /obtain/{file_name}`: the original (default) or one of its variants. */
export const ObtainVariant = z.enum(OBTAINABLE);

/** `GET /obtain/{file_name}` with `Accept: application/json`: the presigned GET URL and its lifetime (s). */
export const ObtainUrl = z.strictObject({
  url: z.url(),
  expires_in: z.int().check(z.minimum(1)),
});
