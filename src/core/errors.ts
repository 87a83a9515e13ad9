/**
 * Domain errors carry the HTTP status they map to, so handlers never decide
 * status codes ad hoc and bad input can never surface as a 5xx.
 */
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
  | 'unsupported_media_type';

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_error: 400,
  invalid_json: 400,
  invalid_file_name: 400,
  invalid_filter: 400,
  unknown_parameter: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  payload_too_large: 413,
  unsupported_media_type: 415,
};

export class DomainError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
    this.status = STATUS[code];
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;

/** The JSON body every error response carries: `{"error","message"}`. */
export const errorBody = (e: DomainError) => ({ error: e.code, message: e.message });
