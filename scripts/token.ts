/** npm run token -- <user_id> [ttl_seconds]: a JWT for the local stack's secret (JWT_SECRET). */
import { isValidUserId } from '../src/core/file-name.js';
import { DEFAULT_LOCAL_SECRET, mintToken } from '../src/local/token.js';

const [userId, ttl] = process.argv.slice(2);
if (!userId || !isValidUserId(userId)) {
  console.error('usage: npm run token -- <user_id> [ttl_seconds]   (user_id: ^[A-Za-z0-9_-]{1,128}$)');
  process.exit(2);
}
console.log(await mintToken(userId, { secret: process.env.JWT_SECRET ?? DEFAULT_LOCAL_SECRET, ttlSeconds: ttl ? Number(ttl) : 3600 }));
