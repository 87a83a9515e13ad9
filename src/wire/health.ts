import * as z from 'zod/mini';

/** `GET /health`; `label_detector` (and `reason` when degraded) only on the local stack with the embedded model. */
export const Health = z.strictObject({
  status: z.enum(['ok', 'degraded']),
  label_detector: z.optional(z.enum(['warming', 'ready', 'failed'])),
  reason: z.optional(z.string()),
});
