import { SignJWT } from 'jose';

export const DEFAULT_LOCAL_SECRET = 'local-dev-secret';

/** A token like the backend-server mints (jsonwebtoken-style HS256), for the local stack. */
export const mintToken = async (
  userId: string,
  { secret = DEFAULT_LOCAL_SECRET, ttlSeconds = 3600, claim = 'user_id' }: { secret?: string; ttlSeconds?: number; claim?: string } = {},
): Promise<string> =>
  new SignJWT({ [claim]: /^\d{1,15}$/.test(userId) ? Number(userId) : userId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
