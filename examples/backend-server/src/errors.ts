import {
  ForbiddenError,
  NetworkError,
  NotFoundError,
  RateLimitedError,
  ServerError,
  UnauthorizedError,
  UploadRefusedError,
  ValidationError,
} from '../../../client/src/index.js';

/** An answer of the app server: status, a stable code, a sentence. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/**
 * Each outcome of the picture service, as the app server's users should see it:
 * their session is the problem (401/403), their picture is (400/413/415), or the
 * service is (502/503, retry later). The service's own message is kept.
 */
export const fromServiceError = (e: unknown): HttpError => {
  if (e instanceof HttpError) return e;
  if (e instanceof UnauthorizedError) return new HttpError(401, 'unauthorized', `The picture service refused your session: ${e.message}`);
  if (e instanceof ForbiddenError) return new HttpError(403, 'forbidden', `The picture service refused this picture for your user: ${e.message}`);
  if (e instanceof ValidationError) {
    if (e.status === 415) return new HttpError(415, 'unsupported_picture_type', e.message);
    if (e.status === 413) return new HttpError(413, 'picture_too_large', e.message);
    return new HttpError(400, 'invalid_picture', e.message, { service_code: e.code });
  }
  if (e instanceof NotFoundError) return new HttpError(404, 'picture_not_found', e.message);
  if (e instanceof UploadRefusedError) {
    return new HttpError(502, 'upload_refused', `Storage refused the picture (${e.s3Code}): ${e.s3Message}`, { s3_code: e.s3Code });
  }
  if (e instanceof NetworkError || e instanceof ServerError || e instanceof RateLimitedError) {
    return new HttpError(503, 'pictures_unavailable', `The picture service is unavailable, try again shortly (${e.message}).`);
  }
  return new HttpError(500, 'internal_error', 'Something went wrong.');
};
