/**
 * The client's options and the shapes its calls take and give (besides the wire
 * types of ./types.ts): what a caller configures and passes.
 */
import type { RetryOptions } from './retry.js';
import type { Hasher } from './sha256.js';
import { EXTENSION_OF, type PictureSource } from './source.js';
import type { ContentType, ImageRecord, ImageStatus, ObtainVariant } from './types.js';

export interface ClientOptions {
  /** The API's base URL, e.g. `https://abc.execute-api.us-east-1.amazonaws.com/prod` or `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** The user's JWT. */
  token?: string;
  /** Called before every request (e.g. to refresh a token); wins over `token`. */
  getToken?: () => string | Promise<string>;
  /** `user_id` sent to `/receiver`; default: the token's first present claim of `userClaims`. */
  userId?: string | number;
  /** Default `['user_id', 'sub']`, like the authorizer's `JWT_USER_CLAIMS`. */
  userClaims?: readonly string[];
  /** Retry policy for calls safe to repeat, or `false` for none. */
  retry?: Partial<RetryOptions> | false;
  /** Per API call (not per upload), ms. Default 30 000. */
  timeoutMs?: number;
  /** Pictures in flight at once in `uploadPictures`. Default 4. */
  concurrency?: number;
  /** A fetch to use instead of the global one (proxies, tests). */
  fetch?: typeof fetch;
  /** Hears about every retry (logging). */
  onRetry?: (info: { operation: string; attempt: number; delayMs: number; error: unknown }) => void;
}

/** What a platform entry plugs in. */
export interface Platform {
  createHasher(): Hasher | Promise<Hasher>;
  /** Turns whatever the caller passed into a source; undefined when unsupported. */
  resolveInput(input: unknown, name?: string): PictureSource | undefined | Promise<PictureSource | undefined>;
  /** Overrides the upload PUT (the browser entry uses XHR for upload progress). */
  put?: PutTransport;
}

export interface PutRequest {
  url: string;
  headers: Record<string, string>;
  source: PictureSource;
  size: number;
  onProgress?: (loaded: number) => void;
  signal?: AbortSignal;
}
export interface PutAnswer {
  status: number;
  text: string;
  requestId?: string;
}
export type PutTransport = (req: PutRequest, fetchImpl: typeof fetch) => Promise<PutAnswer>;

/** Metadata of one picture of a post (API §2), in the API's names. */
export interface UploadMeta {
  post_id: number;
  picture_id: number;
  trip_id?: number | null;
  location_id?: number | null;
  content?: string;
  /** Default: the client's `userId`, else the token's user. */
  user_id?: number | string;
  /** Default: from the first bytes, else from the name's extension. */
  content_type?: string;
}

export type UploadPhase = 'hashing' | 'registering' | 'uploading' | 'done';

export interface UploadProgress {
  phase: UploadPhase;
  /** Bytes hashed or sent so far in this phase. */
  loaded: number;
  /** Bytes in all, when known. */
  total?: number;
}

export interface CallOptions {
  signal?: AbortSignal;
}

/** What `GET /obtain` can return: the uploaded original, or one of the variants made from it. */
export type Variant = ObtainVariant;

export interface ObtainOptions extends CallOptions {
  /** `thumb` (long side ≤ 320 px) or `preview` (≤ 1600 px), JPEG without metadata; default the original. */
  variant?: Variant;
}

/** One page of `GET /scan`: `limit` 1–1000 (the API's default: 1000), `nextToken` from the previous page. */
export interface ScanPageOptions extends CallOptions {
  limit?: number;
  nextToken?: string | null;
}

export interface UploadOptions extends CallOptions {
  onProgress?: (p: UploadProgress) => void;
  /** Skip the PUT when the image is already stored for this user (re-registration of an uploaded image). Default true. */
  skipIfUploaded?: boolean;
}

/** A picture hashed and typed, ready to register and upload. */
export interface PreparedPicture {
  source: PictureSource;
  name?: string;
  image_hash: string;
  content_type: string;
  size: number;
}

export interface UploadResult {
  /** What to keep on the `Picture`: `<user_id>-<sha256>.<ext>`. */
  file_name: string;
  image_hash: string;
  content_type: ContentType;
  size: number;
  /** False when the receiver answered 200 (the same user registered this image before). */
  created: boolean;
  /** False when the PUT was skipped because the object was already stored. */
  uploaded: boolean;
}

export interface BulkItem<I = unknown> {
  source: I;
  meta: UploadMeta;
}

export type BulkOutcome =
  | { index: number; name?: string; status: 'uploaded' | 'already_uploaded'; result: UploadResult }
  | { index: number; name?: string; status: 'duplicate'; result: UploadResult; duplicateOf: number }
  | { index: number; name?: string; status: 'failed'; error: unknown; duplicateOf?: number };

export interface BulkOptions extends CallOptions {
  /** Default: the client's `concurrency` (4). */
  concurrency?: number;
  onProgress?: (index: number, p: UploadProgress) => void;
  /** Called as each picture ends (in completion order). */
  onSettled?: (outcome: BulkOutcome) => void;
}

export interface WaitOptions extends CallOptions {
  /** Give up after this long, ms. Default 120 000. */
  timeoutMs?: number;
  /** First poll interval, ms (doubles up to `maxIntervalMs`, with jitter). Default 250. */
  intervalMs?: number;
  maxIntervalMs?: number;
  /** Statuses that end the wait. Default: approved, under_review, rejected, failed. */
  until?: readonly ImageStatus[];
  /** Hears every status seen. */
  onStatus?: (record: ImageRecord) => void;
}

export interface Download {
  body: ReadableStream<Uint8Array>;
  contentType?: string;
  size?: number;
}

/** The user id a JWT names (first present claim), without verifying it: the API does that. */
export const userIdFromToken = (token: string, claims: readonly string[] = ['user_id', 'sub']): string | number | undefined => {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const b64 = payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const json = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    for (const c of claims) {
      const v = json[c];
      if (typeof v === 'string' || typeof v === 'number') return v;
    }
  } catch {
    return undefined;
  }
  return undefined;
};

/** `<user_id>-<image_hash>.<ext>`, the name the API will give a picture. */
export const fileNameFor = (userId: string | number, imageHash: string, contentType: ContentType): string =>
  `${userId}-${imageHash.toLowerCase()}.${EXTENSION_OF[contentType]}`;
