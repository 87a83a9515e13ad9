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
