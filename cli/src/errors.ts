import {
  AnalysisTimeoutError,
  ApiError,
  ForbiddenError,
  NetworkError,
  NotFoundError,
  PictureChangedError,
  RateLimitedError,
  ServerError,
  UnauthorizedError,
  UploadRefusedError,
  ValidationError,
  explainUnauthorized,
} from '../../client/src/index.js';

/** Exit codes, documented in `--help`. */
export const EXIT = {
  ok: 0,
  /** Some picture failed, the analysis failed, or the API failed. */
  failed: 1,
  /** Bad arguments, missing configuration, or a request the API refused as invalid. */
  usage: 2,
  /** 401/403: the token, or the image belongs to someone else. */
  auth: 3,
  notFound: 4,
  network: 5,
  timeout: 6,
} as const;

/** A problem found before any request (bad flag, no token): exit 2 with this message. */
export class UsageError extends Error {}

/** The token is refused whatever the API's settings (not a JWT, expired…): found before any request, exit 3. */
export class TokenError extends Error {}

/** What the command was about, so a message fits it. */
export interface ErrorContext {
  apiUrl?: string;
  /** The user id in the file name the command is about (`status`, `get`, `rm`…), if any. */
  fileOwner?: string;
}

const TOKEN_HELP = 'Set API_TOKEN to a fresh token (for the local stack: export API_TOKEN=$(travellog token <user_id>)).';

const S3_HINTS: Record<string, string> = {
  BadDigest: 'the bytes sent are not the ones hashed (the file changed, or the hash is wrong)',
  SignatureDoesNotMatch: 'the PUT did not carry exactly the upload_headers the receiver returned',
  AccessDenied: 'the upload URL was refused (expired, or not for this object)',
  EntityTooLarge: 'the file is larger than S3 accepts in one PUT (5 GB)',
};

/** A one-line, actionable message and an exit code for any error. */
export const describeError = (e: unknown, ctx: ErrorContext = {}): { message: string; exit: number } => {
  const { apiUrl } = ctx;
  if (e instanceof UsageError) return { message: e.message, exit: EXIT.usage };
  if (e instanceof TokenError) return { message: `${e.message}. ${TOKEN_HELP}`, exit: EXIT.auth };
  if (e instanceof UnauthorizedError) {
    const why = e.tokenDiagnosis ? explainUnauthorized(e.tokenDiagnosis, ctx.fileOwner !== undefined ? { fileOwner: ctx.fileOwner } : {}) : e.message;
    return { message: `Unauthorized (401): ${why}.`, exit: EXIT.auth };
  }
  if (e instanceof ForbiddenError) return { message: `Forbidden (403 ${e.code}): ${e.message}. The user_id must be the token's user.`, exit: EXIT.auth };
  if (e instanceof ValidationError) return { message: `Refused as invalid (${e.status} ${e.code}): ${e.message}`, exit: EXIT.usage };
  if (e instanceof NotFoundError) return { message: `Not found (404): ${e.message}`, exit: EXIT.notFound };
  if (e instanceof UploadRefusedError) {
    const hint = S3_HINTS[e.s3Code];
    return { message: `S3 refused the upload (${e.status} ${e.s3Code}): ${e.s3Message}${hint ? ` — ${hint}` : ''}`, exit: EXIT.failed };
  }
  if (e instanceof NetworkError) {
    return { message: `${e.message}. Is the API running and API_URL right${apiUrl ? ` (now ${apiUrl})` : ''}?`, exit: EXIT.network };
  }
  if (e instanceof RateLimitedError) return { message: `Throttled by the API (429), even after retrying: ${e.message}`, exit: EXIT.failed };
  if (e instanceof ServerError) return { message: `The API failed (${e.status} ${e.code}), even after retrying: ${e.message}`, exit: EXIT.failed };
  if (e instanceof AnalysisTimeoutError) return { message: `Timed out: ${e.message}`, exit: EXIT.timeout };
  if (e instanceof PictureChangedError) return { message: e.message, exit: EXIT.failed };
  if (e instanceof ApiError) return { message: `The API answered ${e.status} ${e.code}: ${e.message}`, exit: EXIT.failed };
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT') return { message: `No such file: ${err.path ?? err.message}`, exit: EXIT.usage };
  if (err?.code === 'EACCES') return { message: `Permission denied: ${err.path ?? err.message}`, exit: EXIT.usage };
  return { message: err instanceof Error ? err.message : String(e), exit: EXIT.failed };
};

/** The error as JSON for `--json` output. */
export const errorJson = (e: unknown) => {
  const base = { kind: (e as { kind?: string })?.kind ?? 'error', message: describeError(e).message };
  if (e instanceof ApiError) return { ...base, status: e.status, code: e.code };
  if (e instanceof UploadRefusedError) return { ...base, status: e.status, s3_code: e.s3Code };
  return base;
};
