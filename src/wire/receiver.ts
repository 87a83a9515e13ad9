import * as z from 'zod/mini';
import { CONTENT_TYPES, MAX_CONTENT_CHARS, MAX_ID, USER_ID_PATTERN } from './constants.js';
import { FileName, PositiveId } from './common.js';

// zod/mini: the same validation as zod's classic API in a fraction of the bundle —
// every function's code is inlined in one CloudFormation template.

const USER_ID_RULE = `must be a non-negative integer or a string matching ${USER_ID_PATTERN.source}`;
const optionalId = z.pipe(
  z.optional(z.nullable(PositiveId)),
  z.transform((v) => v ?? null),
);

/** The body of `POST /receiver` (at most 64 KB of JSON). Parsing lower-cases the hash and stringifies the user id. */
export const ReceiverRequest = z.strictObject(
  {
    image_hash: z.pipe(
      z.string({ error: 'must be a string' }).check(
        z.regex(/^[0-9a-fA-F]{64}$/, { error: 'must be the SHA-256 of the file: 64 hexadecimal characters' }),
      ),
      z.transform((h) => h.toLowerCase()),
    ),
    content_type: z.string({ error: 'must be a string' }).check(
      z.minLength(1, { error: 'must not be empty' }),
      z.maxLength(255, { error: 'is too long' }),
    ),
    post_id: PositiveId,
    user_id: z.union(
      [
        z.pipe(z.number().check(z.int(), z.minimum(0), z.maximum(MAX_ID)), z.transform(String)),
        z.string().check(z.regex(USER_ID_PATTERN, { error: USER_ID_RULE })),
      ],
      { error: USER_ID_RULE },
    ),
    picture_id: PositiveId,
    /**
     * The file's size in bytes. Optional (older clients omit it); when given, originals over the
     * maximum are refused with 413 and the upload URL signs `Content-Length`, so S3 refuses any other size.
     */
    byte_size: z.optional(PositiveId),
    post: z.strictObject(
      {
        trip_id: optionalId,
        location_id: optionalId,
        content: z._default(
          z.string({ error: 'must be a string' }).check(
            z.maxLength(MAX_CONTENT_CHARS, { error: `must be at most ${MAX_CONTENT_CHARS} characters` }),
          ),
          '',
        ),
      },
      { error: 'must be an object with only trip_id, location_id and content' },
    ),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : 'must be an object') },
);

/** Exactly the headers the upload PUT must carry (signed: send them verbatim). */
export const UploadHeaders = z.catchall(
  z.object({
    'Content-Type': z.enum(Object.keys(CONTENT_TYPES) as [keyof typeof CONTENT_TYPES, ...(keyof typeof CONTENT_TYPES)[]]),
    /** Base64 of the 32-byte SHA-256: S3 answers `BadDigest` when the body has another hash. */
    'x-amz-checksum-sha256': z.string().check(z.regex(/^[A-Za-z0-9+/]{43}=$/)),
  }),
  z.string(),
);

/** The answer of `POST /receiver` (201 new, 200 re-registered). */
export const ReceiverResponse = z.strictObject({
  file_name: FileName,
  upload_url: z.url(),
  expires_in: z.int().check(z.minimum(1)),
  upload_headers: UploadHeaders,
});
