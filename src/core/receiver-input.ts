import * as z from 'zod/mini';
import { CONTENT_TYPES, USER_ID_PATTERN, type ContentType, type Extension } from './file-name.js';
import { DomainError } from './errors.js';
import type { Placement } from './image-record.js';

// zod/mini: the same validation as zod's classic API in a fraction of the bundle —
// every function's code is inlined in one CloudFormation template.

export const MAX_BODY_BYTES = 64 * 1024;
export const MAX_CONTENT_CHARS = 10_000;

const positiveId = z.number({ error: 'must be a number' }).check(
  z.int({ error: 'must be an integer' }),
  z.positive({ error: 'must be positive' }),
  z.maximum(Number.MAX_SAFE_INTEGER, { error: 'is too large' }),
);
const USER_ID_RULE = 'must be a non-negative integer or a string matching ^[A-Za-z0-9_-]{1,128}$';
const optionalId = z.pipe(
  z.optional(z.nullable(positiveId)),
  z.transform((v) => v ?? null),
);

export const ReceiverInputSchema = z.strictObject(
  {
    image_hash: z.pipe(
      z.string({ error: 'must be a string' }).check(
        z.regex(/^[0-9a-fA-F]{64}$/, { error: 'must be the SHA-256 of the file: 64 hexadecimal characters' }),
      ),
      z.transform((h) => h.toLowerCase()),
    ),
    content_type: z.string({ error: 'must be a string' }).check(z.minLength(1, { error: 'must not be empty' }), z.maxLength(255, { error: 'is too long' })),
    post_id: positiveId,
    user_id: z.union(
      [
        z.pipe(
          z.number().check(z.int(), z.nonnegative(), z.maximum(Number.MAX_SAFE_INTEGER)),
          z.transform(String),
        ),
        z.string().check(z.regex(USER_ID_PATTERN, { error: USER_ID_RULE })),
      ],
      { error: USER_ID_RULE },
    ),
    picture_id: positiveId,
    post: z._default(
      z.strictObject(
        {
          trip_id: optionalId,
          location_id: optionalId,
          content: z._default(
            z.string({ error: 'must be a string' }).check(z.maxLength(MAX_CONTENT_CHARS, { error: `must be at most ${MAX_CONTENT_CHARS} characters` })),
            '',
          ),
        },
        { error: 'must be an object with only trip_id, location_id and content' },
      ),
      { trip_id: null, location_id: null, content: '' },
    ),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : 'must be an object') },
);

export interface Registration extends Placement {
  imageHash: string;
  contentType: ContentType;
  extension: Extension;
  userId: string;
}

const valueAt = (body: unknown, path: PropertyKey[]): unknown =>
  path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), body);

const describeIssues = (body: unknown, error: z.core.$ZodError): string =>
  error.issues
    .slice(0, 5)
    .map((i) => {
      const path = i.path.join('.') || 'body';
      const missing = i.code === 'invalid_type' && i.path.length > 0 && valueAt(body, i.path) === undefined;
      return `${path}: ${missing ? 'is required' : i.message}`;
    })
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
  if (!result.success) throw new DomainError('validation_error', `Invalid body: ${describeIssues(body, result.error)}.`);
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
