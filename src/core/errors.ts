import { ERROR_STATUS, type DomainErrorCode } from '../wire/constants.js';

/**
 * Domain errors carry the HTTP status they map to, so handlers never decide
 * status codes ad hoc and bad input can never surface as a 5xx.
 */
export type ErrorCode = DomainErrorCode;

export class DomainError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
    this.status = ERROR_STATUS[code];
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;

/** The JSON body every error response carries: `{"error","message"}`. */
export const errorBody = (e: DomainError) => ({ error: e.code, message: e.message });
