/**
 * The plain values of the wire contract (no zod): statuses, error codes, id and
 * file-name grammar, limits. Kept free of imports so the browser client can use
 * them at runtime without pulling a schema library into its bundle; the zod
 * schemas beside this file are built from these values.
 */

/** Every status an image record shows: `waiting` → `analysing` → a verdict, or `failed`. */
export const IMAGE_STATUSES = ['waiting', 'analysing', 'approved', 'under_review', 'rejected', 'failed'] as const;
export type ImageStatus = (typeof IMAGE_STATUSES)[number];
/** The moderation verdicts an analysis ends in. */
export const VERDICTS = ['approved', 'under_review', 'rejected'] as const satisfies readonly ImageStatus[];
export type Verdict = (typeof VERDICTS)[number];
/** Statuses after which a record no longer changes by itself. */
export const TERMINAL_STATUSES = [...VERDICTS, 'failed'] as const satisfies readonly ImageStatus[];
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];
/** Where a record's labels came from: this upload ran the detector, or an earlier analysis was reused. */
export const ANALYSIS_SOURCES = ['detected', 'reused'] as const;
export type AnalysisSource = (typeof ANALYSIS_SOURCES)[number];

/** Error codes the functions raise, with the HTTP status each maps to. */
export const ERROR_STATUS = {
  bad_request: 400,
  validation_error: 400,
  invalid_json: 400,
  invalid_file_name: 400,
  invalid_filter: 400,
  unknown_parameter: 400,
  invalid_limit: 400,
  invalid_next_token: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  variant_not_ready: 404,
  unknown_variant: 400,
  payload_too_large: 413,
  image_too_large: 413,
  unsupported_media_type: 415,
} as const;
export type DomainErrorCode = keyof typeof ERROR_STATUS;
/** Codes only the gateway (or a function's unexpected failure) answers with. */
export const GATEWAY_ERROR_CODES = ['internal_error', 'authorizer_error', 'timeout', 'too_many_requests'] as const;
export const ERROR_CODES = [...(Object.keys(ERROR_STATUS) as DomainErrorCode[]), ...GATEWAY_ERROR_CODES] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** User ids as the authorizer accepts them (and as file names carry them). */
export const USER_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
/** A SHA-256 as stored: 64 lower-case hex characters (the receiver also accepts upper case). */
export const IMAGE_HASH_PATTERN = /^[0-9a-f]{64}$/;
/** Content types Rekognition analyses, and the extension each is stored under. */
export const CONTENT_TYPES = { 'image/jpeg': 'jpg', 'image/png': 'png' } as const;
export type ContentType = keyof typeof CONTENT_TYPES;
export type Extension = (typeof CONTENT_TYPES)[ContentType];
/** `<user_id>-<sha256 hex>.<jpg|png>`: the S3 object key and the API name of an image. */
export const FILE_NAME_PATTERN = new RegExp(
  `^${USER_ID_PATTERN.source.slice(1, -1)}-${IMAGE_HASH_PATTERN.source.slice(1, -1)}\\.(${Object.values(CONTENT_TYPES).join('|')})$`,
);

/** Largest id the API accepts (ids travel as JSON numbers). */
export const MAX_ID = Number.MAX_SAFE_INTEGER;
/** `POST /receiver` body limit, bytes. */
export const MAX_BODY_BYTES = 64 * 1024;
/** A post's text, characters. */
export const MAX_CONTENT_CHARS = 10_000;
/** The largest original accepted (bytes): `byte_size` above it → 413 `image_too_large`; the analyzer refuses larger objects. */
export const MAX_ORIGINAL_BYTES = 50 * 1024 * 1024;

/** `/scan` groupings: at most one per request. */
export const GROUPINGS = ['post_id', 'trip_id', 'location_id'] as const;
export type Grouping = (typeof GROUPINGS)[number];
/** `label=<name><op><value>`: a name with no operator characters, `>` or `<`, a plain decimal 0–100. */
export const LABEL_FILTER_PATTERN = /^\s*([^<>=\s][^<>=]{0,99}?)\s*([<>])\s*(\d{1,3}(?:\.\d{1,6})?)\s*$/;
/** Checked before the pattern: a bounded input keeps matching time bounded. */
export const MAX_FILTER_LENGTH = 200;
export const MAX_FILTERS = 10;
/** `/scan` page size: `limit` 1–MAX_PAGE_SIZE, and the size of a page without `limit`. */
export const MAX_PAGE_SIZE = 1000;
/** Far above any `next_token` the API issues (≈ 400 characters); bounds the work on hostile input. */
export const MAX_PAGE_TOKEN_LENGTH = 2048;
export const LABEL_OPERATORS = ['>', '<'] as const;
