import type { IncomingMessage, ServerResponse } from 'node:http';
import { S3Error } from './errors.js';

/**
 * CORS for browser uploads/downloads with presigned URLs. Real S3 answers from the bucket's
 * CORS configuration; the local stack behaves as if every bucket allowed any origin to
 * GET/PUT/HEAD with any header — permissive on purpose, since it only listens on loopback.
 */

const ALLOWED_METHODS = ['GET', 'PUT', 'HEAD'];
const EXPOSED_HEADERS = 'ETag, x-amz-request-id, x-amz-id-2, x-amz-checksum-sha256';
const PREFLIGHT_MAX_AGE_SECONDS = '3000';

/** Answers a preflight (OPTIONS) request, or throws the error S3 gives for a bad one. */
export function answerPreflight(req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin;
  const method = req.headers['access-control-request-method'];
  if (!origin) throw new S3Error('BadRequest', 'Insufficient information. Origin request header needed.');
  if (!method) throw new S3Error('BadRequest', 'Invalid Access-Control-Request-Method: null');
  if (!ALLOWED_METHODS.includes(method.toUpperCase())) {
    throw new S3Error('CORSResponse', "This CORS request is not allowed. This is usually because the evaluation of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.");
  }
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS.join(', '));
  const requestedHeaders = req.headers['access-control-request-headers'];
  res.setHeader('Access-Control-Allow-Headers', requestedHeaders && requestedHeaders.trim() !== '' ? requestedHeaders : '*');
  res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
  res.setHeader('Access-Control-Max-Age', PREFLIGHT_MAX_AGE_SECONDS);
  res.setHeader('Vary', 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method');
  res.statusCode = 200;
  res.setHeader('Content-Length', '0');
  res.end();
}

/** Headers for an actual (non-preflight) response to a cross-origin request, errors included. */
export function crossOriginHeaders(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  if (!origin) return {};
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Expose-Headers': EXPOSED_HEADERS,
    Vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  };
}
