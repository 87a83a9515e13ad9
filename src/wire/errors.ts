import * as z from 'zod/mini';
import { ERROR_CODES } from './constants.js';

export { ERROR_CODES, ERROR_STATUS, GATEWAY_ERROR_CODES, type DomainErrorCode } from './constants.js';

/** Every code an error body may carry. */
export const ErrorCode = z.enum(ERROR_CODES);

/** Every error body: a stable code and a human sentence. */
export const ErrorBody = z.strictObject({
  error: z.string(),
  message: z.string().check(z.minLength(1)),
});

/** `{"error","message"}` restricted to the codes one answer can carry (the OpenAPI document's per-response bodies). */
export const errorBodyOf = (codes: readonly [string, ...string[]]) =>
  z.strictObject({ error: z.enum(codes), message: z.string().check(z.minLength(1)) });
