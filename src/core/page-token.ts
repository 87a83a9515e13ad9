import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';
import { DomainError } from './errors.js';

/**
 * `next_token` of `GET /scan`: opaque to clients, authenticated (HMAC-SHA256) and bound
 * to the user and the query, so a token that was edited, cut short, taken from another
 * user or replayed on another query is refused with 400 `invalid_next_token`.
 *
 * Text: base64url(JSON position) "." base64url(HMAC(key, "v1" ∥ user ∥ query ∥ position)).
 * The position names the user's own keys only (nothing secret), so it is signed, not encrypted.
 */
export interface PagePosition {
  /** The access path the first page chose; later pages continue on the same index. */
  path: string;
  /** The index key of the last image returned: the next page starts strictly after it. */
  after: Record<string, string>;
  /** `total_count`, computed once on the first page. */
  total: number;
}

const VERSION = 'v1';
/** Far above any token we issue (≈ 400 characters); bounds the work on hostile input. */
export const MAX_TOKEN_LENGTH = 2048;
const MAC_BYTES = 32;

const PositionSchema = z.strictObject({
  path: z.string().check(z.maxLength(64)),
  after: z.record(z.string(), z.string().check(z.maxLength(1024))),
  total: z.number().check(z.int(), z.minimum(0)),
});

/**
 * The HMAC key, derived with HKDF-SHA256 from the configured secret under a label of its
 * own: the secret itself never signs page tokens, and no other use shares this key.
 */
export const derivePageTokenKey = (secret: string): Buffer =>
  Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), 'travellog', 'travellog/scan/next_token/v1', 32));

const mac = (key: Buffer, userId: string, query: string, body: string): Buffer =>
  createHmac('sha256', key).update(`${VERSION}\0${userId}\0${query}\0${body}`, 'utf8').digest();

export const encodePageToken = (key: Buffer, userId: string, query: string, position: PagePosition): string => {
  const body = Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
  return `${body}.${mac(key, userId, query, body).toString('base64url')}`;
};

const invalid = (why: string) =>
  new DomainError('invalid_next_token', `Invalid next_token: ${why}. Pass back the next_token of the previous page of this same query, unchanged.`);

export const decodePageToken = (key: Buffer, userId: string, query: string, token: string): PagePosition => {
  if (token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) throw invalid('not a token this API issued');
  const [body, signature] = token.split('.') as [string, string];
  const given = Buffer.from(signature, 'base64url');
  const expected = mac(key, userId, query, body);
  if (given.length !== MAC_BYTES || !timingSafeEqual(given, expected)) {
    throw invalid('it was changed, or belongs to another user or another query');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw invalid('unreadable');
  }
  const position = PositionSchema.safeParse(parsed);
  if (!position.success) throw invalid('unreadable');
  return position.data;
};
