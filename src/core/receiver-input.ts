import { MAX_ORIGINAL_BYTES } from './variants.js';
import type * as z from 'zod/mini';
import { CONTENT_TYPES, type ContentType, type Extension } from '../wire/constants.js';
import { ReceiverRequest } from '../wire/receiver.js';
import { DomainError } from './errors.js';
import type { Placement } from './image-record.js';

export { MAX_BODY_BYTES, MAX_CONTENT_CHARS } from '../wire/constants.js';

export interface Registration extends Placement {
  imageHash: string;
  contentType: ContentType;
  extension: Extension;
  userId: string;
  /** Declared size of the original (bytes), when the client sent it: the upload URL binds it. */
  byteSize?: number;
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
  const result = ReceiverRequest.safeParse(body);
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
  if (input.byte_size !== undefined && input.byte_size > MAX_ORIGINAL_BYTES) {
    throw new DomainError(
      'image_too_large',
      `byte_size ${input.byte_size} exceeds the maximum original size of ${MAX_ORIGINAL_BYTES} bytes (${MAX_ORIGINAL_BYTES / 1024 / 1024} MB).`,
    );
  }
  const registration: Registration = {
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
  if (input.byte_size !== undefined) registration.byteSize = input.byte_size;
  return registration;
};
