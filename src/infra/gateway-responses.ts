/**
 * The gateway's own error answers, keyed by the API Gateway "gateway response"
 * type they stand for, defined once: the local gateway answers with them and the template's
 * GatewayResponses are generated from them.
 */
export const GATEWAY_RESPONSES = {
  MISSING_AUTHENTICATION_TOKEN: { status: 404, error: 'not_found' }, // message: "No route for <METHOD> <path>"
  UNAUTHORIZED: {
    status: 401,
    error: 'unauthorized',
    message: 'A valid "Authorization: Bearer <token>" header is required',
  },
  ACCESS_DENIED: { status: 403, error: 'forbidden', message: 'User is not authorized to access this resource' },
  AUTHORIZER_FAILURE: { status: 500, error: 'authorizer_error', message: 'The request could not be authorized' },
  REQUEST_TOO_LARGE: { status: 413, error: 'payload_too_large' }, // message names the limit
  BAD_REQUEST_PARAMETERS: { status: 400, error: 'bad_request' },
  INTEGRATION_FAILURE: { status: 502, error: 'internal_error', message: 'Internal server error' },
  INTEGRATION_TIMEOUT: { status: 504, error: 'timeout', message: 'Endpoint request timed out' },
} as const;

/**
 * API Gateway refuses (401, without invoking the authorizer) an Authorization header that is
 * not a bearer JWT: three base64url parts, the signature may be empty (it is refused later).
 * The scheme is matched case-insensitively, as the authorizer itself does (RFC 7235), with
 * exactly one space. Written without flags because the gateway takes a bare pattern.
 */
export const IDENTITY_VALIDATION_EXPRESSION = '^[Bb][Ee][Aa][Rr][Ee][Rr] [-0-9A-Za-z_]+\\.[-0-9A-Za-z_]+\\.[-0-9A-Za-z_]*$';
