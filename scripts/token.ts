/** npm run token -- <user_id> [ttl_seconds]: a JWT for the local stack's secret (JWT_SECRET). */
import { isValidUserId } from '../src/core/file-name.js';
import { DEFAULT_LOCAL_SECRET, mintToken } from '../src/local/token.js';

const USAGE = 'usage: npm run token -- <user_id> [ttl_seconds]';
const refuse = (why: string): never => {
  console.error(`token: ${why} (${USAGE})`);
  process.exit(2);
};

const [userId, ttl, ...extra] = process.argv.slice(2);
if (!userId) refuse('no user_id given');
if (!isValidUserId(userId!)) refuse(`"${userId}" is not a valid user id: 1–128 letters, digits, _ or -`);
if (ttl !== undefined && !/^[1-9]\d{0,8}$/.test(ttl)) refuse(`"${ttl}" is not a lifetime in seconds (a whole number, default 3600)`);
if (extra.length) refuse(`unexpected arguments: ${extra.join(' ')}`);
const secret = process.env.JWT_SECRET ?? DEFAULT_LOCAL_SECRET;
try {
  console.log(await mintToken(userId!, { secret, ttlSeconds: ttl ? Number(ttl) : 3600 }));
} catch (e) {
  refuse(`could not mint a token: ${(e as Error).message}`);
}
