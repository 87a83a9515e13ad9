import {
  AnalysisTimeoutError,
  ForbiddenError,
  NetworkError,
  NotFoundError,
  PictureChangedError,
  UnauthorizedError,
  UploadRefusedError,
  ValidationError,
  explainUnauthorized,
} from './api.js';
import { sentence } from './format.js';

/** A sentence a person can act on, for any error the client (or the browser) throws. */
export const describeError = (e: unknown, apiUrl?: string): string => {
  if (e instanceof UnauthorizedError) {
    const why = e.tokenDiagnosis ? ` ${sentence(explainUnauthorized(e.tokenDiagnosis))}` : ` (${e.message})`;
    return `The API refused the token.${why} Sign in again.`;
  }
  if (e instanceof ForbiddenError) return `Not allowed: ${e.message}`;
  if (e instanceof ValidationError) return `The API refused the request: ${e.message}`;
  if (e instanceof NotFoundError) return `Not found: ${e.message}`;
  if (e instanceof UploadRefusedError) {
    const why =
      e.s3Code === 'BadDigest' || e.s3Code === 'XAmzContentSHA256Mismatch'
        ? 'the bytes sent are not the ones hashed (did the file change?)'
        : e.s3Code === 'AccessDenied' && /expired/i.test(e.s3Message)
          ? 'the upload URL expired'
          : `${e.s3Code}: ${e.s3Message}`;
    return `Storage refused the upload: ${why}.`;
  }
  if (e instanceof NetworkError) {
    const crossOrigin = apiUrl && typeof location !== 'undefined' && new URL(apiUrl).origin !== location.origin;
    return crossOrigin
      ? `${e.message}. Is the API up, and does its ALLOWED_ORIGINS include ${location.origin}?`
      : `${e.message}. Is the API up?`;
  }
  if (e instanceof AnalysisTimeoutError) return `Still ${e.lastStatus ?? 'pending'} after ${Math.round(e.waitedMs / 1000)} s; the gallery will show it when done.`;
  if (e instanceof PictureChangedError) return e.message;
  if (e instanceof DOMException && e.name === 'AbortError') return 'Cancelled.';
  if (e instanceof Error) return e.message;
  return String(e);
};

export const isAbort = (e: unknown): boolean => e instanceof DOMException && e.name === 'AbortError';
