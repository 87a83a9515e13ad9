import type { IncomingMessage } from 'node:http';
import { S3Error } from './errors.js';

/** SigV4 URI encoding: everything but RFC 3986 unreserved characters is percent-encoded. */
export function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (ch) => '%' + ch.charCodeAt(0).toString(16).toUpperCase());
}

function decodeComponent(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new S3Error('InvalidArgument', `Invalid percent-encoding in the ${what}.`);
  }
}

/**
 * The canonical URI S3 signs: each path segment decoded once and re-encoded once.
 * S3 neither normalises the path (no '.'/'..'/'//' folding) nor double-encodes it.
 */
export function canonicalUri(rawPath: string): string {
  if (rawPath === '' || rawPath === '/') return '/';
  return rawPath
    .split('/')
    .map((segment) => uriEncode(decodeComponent(segment, 'request path')))
    .join('/');
}

export interface QueryParam {
  name: string;
  value: string;
}

/** Parses a raw query string keeping order and duplicates; '+' is a literal plus, as in SigV4. */
export function parseQuery(rawQuery: string): QueryParam[] {
  if (rawQuery === '') return [];
  return rawQuery
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      const rawName = eq === -1 ? part : part.slice(0, eq);
      const rawValue = eq === -1 ? '' : part.slice(eq + 1);
      return { name: decodeComponent(rawName, 'query string'), value: decodeComponent(rawValue, 'query string') };
    });
}

export function firstQueryValue(params: QueryParam[], name: string): string | undefined {
  return params.find((p) => p.name === name)?.value;
}

/** Canonical query string: every parameter encoded, then sorted by name and value (byte order). */
export function canonicalQuery(params: QueryParam[]): string {
  return params
    .map((p) => [uriEncode(p.name), uriEncode(p.value)] as const)
    .sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** A header's canonical value: repeated headers joined with ',', whitespace trimmed and folded. */
export function canonicalHeaderValue(req: IncomingMessage, name: string): string {
  const values = req.headersDistinct[name] ?? [];
  return values.map((v) => v.trim().replace(/\s+/g, ' ')).join(',');
}

export function canonicalHeaders(req: IncomingMessage, signedHeaders: string[]): string {
  return signedHeaders.map((name) => `${name}:${canonicalHeaderValue(req, name)}\n`).join('');
}
