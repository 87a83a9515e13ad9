import type { IncomingHttpHeaders } from 'node:http';

export const CORS_ALLOW_HEADERS = 'Authorization,Content-Type,Accept';
export const CORS_MAX_AGE_SECONDS = 600;

/**
 * CORS headers for the gateway's own responses (preflight and 4xx/5xx gateway
 * responses). The origin is echoed only when allowed; `Vary: Origin` always,
 * so caches never serve one origin's answer to another.
 */
export function corsHeaders(headers: IncomingHttpHeaders, allowedOrigins: string[]): Record<string, string> {
  const origin = headers.origin;
  const out: Record<string, string> = { Vary: 'Origin' };
  const anyOrigin = allowedOrigins.includes('*');
  if (origin && (anyOrigin || allowedOrigins.includes(origin))) out['Access-Control-Allow-Origin'] = origin;
  else if (!origin && anyOrigin) out['Access-Control-Allow-Origin'] = '*';
  if (out['Access-Control-Allow-Origin']) out['Access-Control-Allow-Headers'] = CORS_ALLOW_HEADERS;
  return out;
}

export function preflightHeaders(
  headers: IncomingHttpHeaders,
  allowedOrigins: string[],
  methods: string[],
): Record<string, string> {
  return {
    ...corsHeaders(headers, allowedOrigins),
    'Access-Control-Allow-Methods': [...methods, 'OPTIONS'].join(','),
    'Access-Control-Allow-Headers': CORS_ALLOW_HEADERS,
    'Access-Control-Max-Age': String(CORS_MAX_AGE_SECONDS),
  };
}
