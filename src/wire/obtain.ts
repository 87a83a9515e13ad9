import * as z from 'zod/mini';

/** `GET /obtain/{file_name}` with `Accept: application/json`: the presigned GET URL and its lifetime (s). */
export const ObtainUrl = z.strictObject({
  url: z.url(),
  expires_in: z.int().check(z.minimum(1)),
});
