import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';

export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

export type BodyResult = { tooLarge: false; body: Buffer } | { tooLarge: true };

/**
 * Buffers the request body up to `maxBytes`. An oversized body is still read
 * to the end (and discarded) so the client gets a clean 413 instead of a
 * connection reset while it is still sending.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number(req.headers['content-length'] ?? 0) > maxBytes;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? { tooLarge: true } : { tooLarge: false, body: Buffer.concat(chunks) }));
    req.on('error', reject);
  });
}

const TEXT_TYPES = [
  /^text\//,
  /^application\/(json|xml|javascript|x-www-form-urlencoded|graphql|x-ndjson)$/,
  /^application\/[\w.+-]+\+(json|xml)$/,
];

/**
 * Our API declares every non-text media type as binary (binaryMediaTypes), so
 * such bodies reach the function base64-encoded with isBase64Encoded=true.
 * A body without Content-Type is passed as text when it is valid UTF-8.
 */
export function isTextBody(contentType: string | undefined, body: Buffer): boolean {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (!type) return isUtf8(body);
  return TEXT_TYPES.some((re) => re.test(type));
}
