/**
 * The wire types of the TravelLog backend-serverless API. Hand-written for
 * readable docs, and checked at compile time against the OpenAPI document
 * (`openapi/openapi.json`, test/openapi/client-types.test.ts): a change on
 * either side that the other does not follow fails `tsc`.
 */

/** `<user_id>-<sha256 hex>.<jpg|png>`: what `POST /receiver` returns and every other route takes. */
export type FileName = string;

export type ContentType = 'image/jpeg' | 'image/png';

export type ImageStatus = 'waiting' | 'analysing' | 'approved' | 'under_review' | 'rejected' | 'failed';

/** Statuses after which the record no longer changes by itself. */
export const FINAL_STATUSES: readonly ImageStatus[] = ['approved', 'under_review', 'rejected', 'failed'];

/** The body of `POST /receiver`. */
export interface ReceiverRequest {
  image_hash: string;
  content_type: string;
  post_id: number;
  user_id: number | string;
  picture_id: number;
  post?: {
    trip_id?: number | null;
    location_id?: number | null;
    content?: string;
  };
}

/** Exactly the headers the upload PUT must carry (signed: send them verbatim). */
export interface UploadHeaders {
  'Content-Type': ContentType;
  'x-amz-checksum-sha256': string;
  [header: string]: string;
}

/** The answer of `POST /receiver` (201 new, 200 re-registered). */
export interface ReceiverResponse {
  file_name: FileName;
  upload_url: string;
  expires_in: number;
  upload_headers: UploadHeaders;
}

/** `GET /obtain/{file_name}` with `Accept: application/json`. */
export interface ObtainUrl {
  url: string;
  expires_in: number;
}

export interface LabelFilter {
  name: string;
  operator: '>' | '<';
  confidence_threshold: number;
}

interface ScanResultBase {
  filters: LabelFilter[];
  total_count: number;
  images: FileName[];
}

/** `GET /scan`: `grouping_id` is the user id (a string) when no grouping was given. */
export type ScanResult =
  | (ScanResultBase & { grouping: 'user_id'; grouping_id: string })
  | (ScanResultBase & { grouping: 'post_id' | 'trip_id' | 'location_id'; grouping_id: number });

export interface Label {
  name: string;
  confidence: number;
  parents: string[];
}

/** One post an image was registered in. */
export interface Placement {
  post_id: number;
  picture_id: number;
  trip_id: number | null;
  location_id: number | null;
  content: string;
}

/** `GET /images/{file_name}`: the owner's record. */
export interface ImageRecord {
  file_name: FileName;
  image_hash: string;
  content_type: string;
  status: ImageStatus;
  rekognition_results: Label[];
  analysis_source: 'detected' | 'reused' | null;
  failure_reason: string | null;
  post_id: number | null;
  picture_id: number | null;
  trip_id: number | null;
  location_id: number | null;
  content: string | null;
  posts: Placement[];
  object_size: number | null;
  created_at: string;
  updated_at: string;
  uploaded_at: string | null;
  analysed_at: string | null;
  expires_at: string | null;
}

/** Every error body of the API. */
export interface ErrorBody {
  error: string;
  message: string;
}

/** Codes the API documents (`ErrorBody.error` may still carry others from proxies). */
export type ErrorCode =
  | 'bad_request'
  | 'validation_error'
  | 'invalid_json'
  | 'invalid_file_name'
  | 'invalid_filter'
  | 'unknown_parameter'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'internal_error'
  | 'authorizer_error'
  | 'timeout'
  | 'too_many_requests';

/** `GET /health`; `label_detector` only on the local stack with the embedded model. */
export interface Health {
  status: 'ok' | 'degraded';
  label_detector?: 'warming' | 'ready' | 'failed';
  reason?: string;
}
