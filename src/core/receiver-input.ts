import { z } from 'zod';
import { CONTENT_TYPES, USER_ID_PATTERN, type ContentType, type Extension } from './file-name.js';
import { DomainError } from './errors.js';
import type { Placement } from './image-record.js';

export const MAX_BODY_BYTES = 64 * 1024;
export const MAX_CONTENT_CHARS = 10_000;

const positiveId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const optionalId = positiveId.nullable().optional().transform((v) => v ?? null);

export const ReceiverInputSchema = z.strictObject({
  image_hash: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be the SHA-256 of the file: 64 hexadecimal characters')
    .transform((h) => h.toLowerCase()),
  content_type: z.string().min(1).max(255),
  post_id: positiveId,
  user_id: z.union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).transform(String), z.string().regex(USER_ID_PATTERN)]),
  picture_id: positiveId,
  post: z
    .strictObject({
      trip_id: optionalId,
      location_id: optionalId,
      content: z.string().max(MAX_CONTENT_CHARS).optional().default(''),
    })
    .optional()
    .default({ trip_id: null, location_id: null, content: '' }),
});

export interface Registration extends Placement {
  imageHash: string;
  contentType: ContentType;
  extension: Extension;
  userId: string;
}

const describeIssues = (error: z.ZodError): string =>
  error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`)
    .join('; ');

/**
 * Validates a receiver body (already JSON-parsed). Throws DomainErrors only:
 * 400 for shape, 415 for a content type Rekognition cannot analyse.
 */
export const parseReceiverInput = (body: unknown): Registration => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new DomainError('validation_error', 'Body must be a JSON object.');
  }
  const result = ReceiverInputSchema.safeParse(body);
  if (!result.success) throw new DomainError('validation_error', `Invalid body: ${describeIssues(result.error)}.`);
  const input = result.data;
  const contentType = input.content_type.split(';')[0]!.trim().toLowerCase();
  if (!Object.hasOwn(CONTENT_TYPES, contentType)) {
    throw new DomainError(
      'unsupported_media_type',
      `content_type "${input.content_type.slice(0, 80)}" is not supported; accepted: ${Object.keys(CONTENT_TYPES).join(', ')}.`,
    );
  }
  const ct = contentType as ContentType;
  return {
    imageHash: input.image_hash,
    contentType: ct,
    extension: CONTENT_TYPES[ct],
    userId: input.user_id,
    post_id: input.post_id,
    picture_id: input.picture_id,
    trip_id: input.post.trip_id,
    location_id: input.post.location_id,
    content: input.post.content,
  };
};
