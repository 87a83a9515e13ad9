/**
 * One error class per outcome, so callers branch with `instanceof` (or `kind`)
 * instead of parsing status codes:
 *
 * | class                  | when                                                       |
 * |------------------------|------------------------------------------------------------|
 * | `UnauthorizedError`    | 401: bad/expired token, or another user's image            |
 * | `ForbiddenError`       | 403: `user_id` is not the token's user, or a denied route  |
 * | `ValidationError`      | 400/413/415: the server's message says what is wrong       |
 * | `NotFoundError`        | 404: the token user's image does not exist                 |
 * | `UploadRefusedError`   | S3 refused the PUT (`s3Code`: BadDigest, AccessDenied…)    |
 * | `RateLimitedError`     | 429 after the retries                                      |
 * | `ServerError`          | 5xx after the retries                                      |
 * | `NetworkError`         | no answer: connection refused/reset, DNS, timeout          |
 * | `AnalysisTimeoutError` | `waitForAnalysis` reached its deadline                     |
 * | `PictureChangedError`  | the file changed between hashing and uploading             |
 * | `ApiError`             | anything else the API answered                             |
 */

import type { TokenDiagnosis } from './token-diagnosis.js';

export type ErrorKind =
  | 'unauthorized'
  | 'forbidden'
  | 'validation'
  | 'not_found'
  | 'upload_refused'
  | 'rate_limited'
  | 'server'
  | 'network'
  | 'timeout'
  | 'changed'
  | 'api';

export abstract class TravelLogError extends Error {
  abstract readonly kind: ErrorKind;
  /** True when repeating the same call later may succeed. */
  readonly retryable: boolean = false;
}

/** The API answered with an error (`{"error","message"}`). */
export class ApiError extends TravelLogError {
  readonly kind: ErrorKind = 'api';
  /** The server's `Retry-After`, ms (429/503). */
  retryAfterMs?: number;
  constructor(
    message: string,
    /** HTTP status. */
    readonly status: number,
    /** The API's error code (`validation_error`, `unauthorized`…), or `http_<status>` when the body had none. */
    readonly code: string,
    /** `x-amzn-RequestId`, for support. */
    readonly requestId?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UnauthorizedError extends ApiError {
  override readonly kind = 'unauthorized' as const;
  /** What reading the token locally found (set by the client; the API's 401 never says why). */
  tokenDiagnosis?: TokenDiagnosis;
}
export class ForbiddenError extends ApiError {
  override readonly kind = 'forbidden' as const;
}
/** 400, 413 or 415; `message` is the server's (it names the field or the accepted values). */
export class ValidationError extends ApiError {
  override readonly kind = 'validation' as const;
}
export class NotFoundError extends ApiError {
  override readonly kind = 'not_found' as const;
}
export class RateLimitedError extends ApiError {
  override readonly kind = 'rate_limited' as const;
  override readonly retryable = true;
}
export class ServerError extends ApiError {
  override readonly kind = 'server' as const;
  override readonly retryable = true;
}

/** S3 refused the upload; `s3Code` is the `<Code>` of its XML error. */
export class UploadRefusedError extends TravelLogError {
  readonly kind = 'upload_refused' as const;
  override readonly retryable: boolean;
  constructor(
    message: string,
    readonly status: number,
    /** `BadDigest` (the body is not the registered image), `SignatureDoesNotMatch`, `AccessDenied` (expired URL)… */
    readonly s3Code: string,
    readonly s3Message: string,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'UploadRefusedError';
    this.retryable = status >= 500 || s3Code === 'SlowDown' || s3Code === 'RequestTimeout';
  }
}

/** No HTTP answer at all (refused, reset, DNS, timed out). */
export class NetworkError extends TravelLogError {
  readonly kind = 'network' as const;
  override readonly retryable = true;
  constructor(
    message: string,
    /** What was being reached. */
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NetworkError';
  }
}

/** `waitForAnalysis` reached its deadline; `lastStatus` is what the record said then. */
export class AnalysisTimeoutError extends TravelLogError {
  readonly kind = 'timeout' as const;
  constructor(
    readonly fileName: string,
    readonly lastStatus: string | undefined,
    readonly waitedMs: number,
  ) {
    super(`${fileName} was still ${lastStatus ?? 'unknown'} after ${Math.round(waitedMs / 1000)} s`);
    this.name = 'AnalysisTimeoutError';
  }
}

/** The picture's bytes changed while the client read them (between the hash and the upload). */
export class PictureChangedError extends TravelLogError {
  readonly kind = 'changed' as const;
  constructor(message: string) {
    super(message);
    this.name = 'PictureChangedError';
  }
}

export const isTravelLogError = (e: unknown): e is TravelLogError => e instanceof TravelLogError;

/** The error class for an API answer `status` with body `{error, message}`. */
export const apiErrorFor = (status: number, body: unknown, requestId?: string): ApiError => {
  const b = (typeof body === 'object' && body !== null ? body : {}) as { error?: unknown; message?: unknown };
  const code = typeof b.error === 'string' ? b.error : `http_${status}`;
  const message = typeof b.message === 'string' && b.message ? b.message : `HTTP ${status}`;
  const Class =
    status === 401
      ? UnauthorizedError
      : status === 403
        ? ForbiddenError
        : status === 404
          ? NotFoundError
          : status === 400 || status === 413 || status === 415 || status === 422
            ? ValidationError
            : status === 429
              ? RateLimitedError
              : status >= 500
                ? ServerError
                : ApiError;
  return new Class(message, status, code, requestId);
};

/** Reads `<Code>` and `<Message>` out of an S3 XML error (no XML parser needed for this shape). */
export const parseS3Error = (xml: string): { code: string; message: string } => {
  const pick = (tag: string) => {
    const m = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
    return m?.[1]
      ?.replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&');
  };
  return { code: pick('Code') ?? 'Unknown', message: pick('Message') ?? xml.slice(0, 200) };
};
