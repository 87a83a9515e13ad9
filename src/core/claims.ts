import { isValidUserId } from './file-name.js';

/**
 * The user id is the first present claim of `userClaims` (default `user_id,sub`).
 * Integers are accepted (TravelLog mints numeric ids); anything else is refused.
 */
export const userIdFromClaims = (
  claims: Record<string, unknown>,
  userClaims: readonly string[],
): string | undefined => {
  for (const name of userClaims) {
    const value = claims[name];
    if (value === undefined || value === null) continue;
    let id: string | undefined;
    if (typeof value === 'string') id = value;
    else if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) id = String(value);
    return id !== undefined && isValidUserId(id) ? id : undefined;
  }
  return undefined;
};

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export const bearerToken = (header: string | undefined): string | undefined => {
  const m = /^\s*Bearer\s+([^\s]+)\s*$/i.exec(header ?? '');
  return m?.[1];
};

/**
 * The Allow policy must cover the whole API, not just the method called: API
 * Gateway caches the authorizer's result per token and reuses it for every route.
 * `arn:aws:execute-api:<region>:<account>:<api>/<stage>/<verb>/<path>` → `…/<stage>/*`.
 */
export const apiWideResource = (methodArn: string): string => {
  const [prefix, stage] = methodArn.split('/');
  return `${prefix}/${stage ?? '*'}/*`;
};
