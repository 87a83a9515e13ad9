/**
 * The wire types of the TravelLog backend-serverless API: type-only views of the
 * zod schemas in src/wire (the one definition the functions validate with and
 * the OpenAPI document is generated from), so the browser bundle carries no
 * schema code. Runtime values come from src/wire/constants.ts, which imports nothing.
 */
import type * as z from 'zod/mini';
import type * as wire from '../../src/wire/index.js';

export {
  FILE_NAME_PATTERN,
  IMAGE_STATUSES,
  MAX_CONTENT_CHARS,
  MAX_ORIGINAL_BYTES,
  TERMINAL_STATUSES,
  USER_ID_PATTERN,
  type ContentType,
  type ErrorCode,
  type ImageStatus,
} from '../../src/wire/constants.js';
import { TERMINAL_STATUSES, type ImageStatus } from '../../src/wire/constants.js';

/** Statuses after which the record no longer changes by itself. */
export const FINAL_STATUSES: readonly ImageStatus[] = TERMINAL_STATUSES;

/** `<user_id>-<sha256 hex>.<jpg|png>`: what `POST /receiver` returns and every other route takes. */
export type FileName = z.output<typeof wire.FileName>;
/** The body of `POST /receiver` (what the client sends: the schema's input). */
export type ReceiverRequest = z.input<typeof wire.ReceiverRequest>;
/** Exactly the headers the upload PUT must carry (signed: send them verbatim). */
export type UploadHeaders = z.output<typeof wire.UploadHeaders>;
/** The answer of `POST /receiver` (201 new, 200 re-registered). */
export type ReceiverResponse = z.output<typeof wire.ReceiverResponse>;
/** `GET /obtain/{file_name}` with `Accept: application/json`. */
export type ObtainUrl = z.output<typeof wire.ObtainUrl>;
/** `?variant=` of `GET /obtain/{file_name}`: `original` (default), `thumb` (long side ≤ 320 px) or `preview` (≤ 1600 px). */
export type ObtainVariant = z.output<typeof wire.ObtainVariant>;
/** The variants of an image listed by `GET /images/{file_name}` (`{}` until made). */
export type Variants = z.output<typeof wire.Variants>;
export type VariantInfo = z.output<typeof wire.VariantInfo>;
export type LabelFilter = z.output<typeof wire.LabelFilter>;
/** `GET /scan`: `grouping_id` is the user id (a string) when no grouping was given. */
export type ScanResult = z.output<typeof wire.ScanResult>;
export type Label = z.output<typeof wire.Label>;
/** One post an image was registered in. */
export type Placement = z.output<typeof wire.Placement>;
/** `GET /images/{file_name}`: the owner's record. */
export type ImageRecord = z.output<typeof wire.ImageRecord>;
/** Every error body of the API (`error` may also carry codes from proxies). */
export type ErrorBody = z.output<typeof wire.ErrorBody>;
/** `GET /health`; `label_detector` only on the local stack with the embedded model. */
export type Health = z.output<typeof wire.Health>;
