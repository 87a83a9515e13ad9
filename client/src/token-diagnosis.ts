/**
 * Why a token would be (or was) refused, found by reading it locally — decoded, NOT verified:
 * only the API holds the secret. The API's 401 stays uniform on purpose (API Gateway's TOKEN
 * authorizer cannot carry a reason, and a reason would help an attacker); the holder of the
 * token can still be told "expired at …", "no user_id/sub claim" or "not a JWT".
 */
import { decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';

export type TokenProblemCode = 'empty' | 'bearer_prefix' | 'not_jwt' | 'unsigned' | 'not_hmac' | 'expired' | 'not_yet_valid' | 'no_user_claim' | 'invalid_user_id' | 'no_expiry';

export interface TokenProblem {
  code: TokenProblemCode;
  /** A sentence for a person: "the token expired at 2026-11-29 21:00:00 UTC (12 minutes ago)". */
  message: string;
}

export interface TokenDiagnosis {
  /** The first problem found, or undefined when the token looks usable (its signature is the API's to judge). */
  problem?: TokenProblem;
  /** The user id the token names (first present claim). */
  userId?: string | number;
  /** From `exp`. */
  expiresAt?: Date;
  /** The `alg` of its header. */
  algorithm?: string;
}

export interface DiagnoseOptions {
  /** Claims that may carry the user id, in order (the API's JWT_USER_CLAIMS). */
  userClaims?: readonly string[];
  /** ms since the epoch. */
  now?: number;
  /** The authorizer's clock leeway, seconds (30). */
  leewaySeconds?: number;
}

const USER_ID = /^[A-Za-z0-9_-]{1,128}$/;
const HMAC = /^HS(256|384|512)$/;

/** "2026-11-29 21:00:00 UTC" */
export const formatUtc = (d: Date): string => `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/** "12 minutes ago", "in 3 hours" */
export const relativeTime = (ms: number): string => {
  const s = Math.abs(ms) / 1000;
  const [n, unit] = s < 90 ? [Math.round(s), 'second'] : s < 3570 ? [Math.round(s / 60), 'minute'] : s < 86400 ? [Math.round(s / 3600), 'hour'] : [Math.round(s / 86400), 'day'];
  const phrase = `${n} ${unit}${n === 1 ? '' : 's'}`;
  return ms < 0 ? `${phrase} ago` : `in ${phrase}`;
};

/** Reads `token` without verifying it; see the module comment. */
export const diagnoseToken = (raw: string | undefined, o: DiagnoseOptions = {}): TokenDiagnosis => {
  const claims = o.userClaims ?? ['user_id', 'sub'];
  const now = o.now ?? Date.now();
  const leewayMs = (o.leewaySeconds ?? 30) * 1000;
  const token = (raw ?? '').trim();
  const fail = (code: TokenProblemCode, message: string, known: Omit<TokenDiagnosis, 'problem'> = {}): TokenDiagnosis => ({ ...known, problem: { code, message } });

  if (!token) return fail('empty', 'the token is empty');
  if (/^Bearer\s/i.test(token)) return fail('bearer_prefix', 'the token starts with "Bearer " — give the token alone (the prefix is added for you)');
  let header: { alg?: string };
  let payload: JWTPayload;
  try {
    if (token.split('.').length !== 3) throw new Error('parts');
    header = decodeProtectedHeader(token);
    payload = decodeJwt(token);
  } catch {
    return fail('not_jwt', `the token is not a JWT (expected three base64url parts separated by dots, like eyJhbGciOi…; got ${token.length} characters starting "${token.slice(0, 8)}")`);
  }
  const algorithm = header.alg;
  const expiresAt = typeof payload.exp === 'number' ? new Date(payload.exp * 1000) : undefined;
  const userClaim = claims.find((c) => typeof payload[c] === 'string' || typeof payload[c] === 'number');
  const userId = userClaim === undefined ? undefined : (payload[userClaim] as string | number);
  const known: Omit<TokenDiagnosis, 'problem'> = { ...(algorithm ? { algorithm } : {}), ...(expiresAt ? { expiresAt } : {}), ...(userId !== undefined ? { userId } : {}) };

  if (!algorithm || algorithm === 'none') return fail('unsigned', 'the token is unsigned (alg "none"); the API accepts HMAC-signed tokens only', known);
  if (!HMAC.test(algorithm)) return fail('not_hmac', `the token is signed with ${algorithm}; the API accepts HS256 (HS384/HS512 when configured)`, known);
  if (expiresAt && expiresAt.getTime() + leewayMs <= now) {
    return fail('expired', `the token expired at ${formatUtc(expiresAt)} (${relativeTime(expiresAt.getTime() - now)}); get a new one`, known);
  }
  if (typeof payload.nbf === 'number' && payload.nbf * 1000 - leewayMs > now) {
    const from = new Date(payload.nbf * 1000);
    return fail('not_yet_valid', `the token is not valid before ${formatUtc(from)} (${relativeTime(from.getTime() - now)}); is this machine's clock right?`, known);
  }
  if (userId === undefined) {
    const present = Object.keys(payload);
    return fail('no_user_claim', `the token has no ${claims.join('/')} claim (it has: ${present.length ? present.join(', ') : 'no claims'})`, known);
  }
  if (!USER_ID.test(String(userId))) return fail('invalid_user_id', `the token's ${userClaim} "${String(userId).slice(0, 40)}" is not a valid user id (1–128 letters, digits, _ or -)`, known);
  if (!expiresAt) return fail('no_expiry', 'the token has no exp claim; the API refuses such tokens unless it runs with JWT_REQUIRE_EXP=false', known);
  return known;
};

/** Problems that make the API refuse the token whatever its settings: worth saying before any request. */
export const isCertainRefusal = (p: TokenProblem | undefined): boolean =>
  !!p && (p.code === 'empty' || p.code === 'bearer_prefix' || p.code === 'not_jwt' || p.code === 'unsigned' || p.code === 'expired');

/**
 * After a 401: the likeliest reason, in one sentence. When the token reads well, what is left is
 * what only the API can see — the signature (another secret than the API's JWT_SECRET) — or,
 * for a route about one image, that the image is another user's (`fileOwner`).
 */
export const explainUnauthorized = (d: TokenDiagnosis, o: { fileOwner?: string } = {}): string => {
  if (d.problem) return d.problem.message;
  if (o.fileOwner !== undefined && d.userId !== undefined && String(d.userId) !== o.fileOwner) {
    return `the image belongs to user ${o.fileOwner}, and the token is user ${d.userId}'s`;
  }
  const who = `user ${String(d.userId)}${d.expiresAt ? `, valid until ${formatUtc(d.expiresAt)}` : ''}`;
  return `the token reads well (${who}), so its signature was refused: it was signed with another secret than the API's JWT_SECRET (or the API expects another claim or algorithm)`;
};
