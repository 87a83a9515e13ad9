/** Token diagnosis: what reading a token locally (decoded, not verified) can tell its holder. */
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, diagnoseToken, explainUnauthorized, isCertainRefusal, relativeTime, UnauthorizedError } from '../../client/src/index.js';
import { mintToken } from '../../src/local/token.js';
import { bootStack, type Booted } from '../helpers/stack-harness.js';

const NOW = Date.UTC(2026, 10, 29, 21, 0, 0);
const secret = new TextEncoder().encode('local-dev-secret');
const sign = (claims: Record<string, unknown>, alg = 'HS256') => new SignJWT(claims).setProtectedHeader({ alg }).sign(secret);

describe('diagnoseToken', () => {
  it('says when and how long ago a token expired, past the 30 s leeway only', async () => {
    const exp = NOW / 1000 - 12 * 60;
    const d = diagnoseToken(await sign({ user_id: 456, exp }), { now: NOW });
    expect(d.problem).toEqual({ code: 'expired', message: 'the token expired at 2026-11-29 20:48:00 UTC (12 minutes ago); get a new one' });
    expect(d.userId).toBe(456);
    expect(isCertainRefusal(d.problem)).toBe(true);
    expect(diagnoseToken(await sign({ user_id: 456, exp: NOW / 1000 - 10 }), { now: NOW }).problem).toBeUndefined();
  });

  it('names the claims it looked for, and the ones the token has', async () => {
    const d = diagnoseToken(await sign({ name: 'Ana', exp: NOW / 1000 + 60 }), { now: NOW });
    expect(d.problem?.code).toBe('no_user_claim');
    expect(d.problem?.message).toBe('the token has no user_id/sub claim (it has: name, exp)');
    expect(diagnoseToken(await sign({ uid: 'x', exp: NOW / 1000 + 60 }), { now: NOW, userClaims: ['uid'] }).problem).toBeUndefined();
    expect(diagnoseToken(await sign({ sub: 'a b', exp: NOW / 1000 + 60 }), { now: NOW }).problem?.code).toBe('invalid_user_id');
  });

  it('tells a non-JWT, a Bearer prefix, an unsigned or RSA token and a missing exp apart', async () => {
    expect(diagnoseToken('hello').problem?.code).toBe('not_jwt');
    expect(diagnoseToken('a.b.c').problem?.message).toMatch(/^the token is not a JWT \(expected three base64url parts/);
    expect(diagnoseToken('').problem?.code).toBe('empty');
    const good = await sign({ user_id: 1, exp: NOW / 1000 + 60 });
    expect(diagnoseToken(`Bearer ${good}`).problem?.code).toBe('bearer_prefix');
    expect(diagnoseToken(new UnsecuredJWT({ user_id: 1 }).encode()).problem?.code).toBe('unsigned');
    const rs = `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from('{"user_id":1}').toString('base64url')}.sig`;
    expect(diagnoseToken(rs).problem?.message).toMatch(/signed with RS256/);
    const noExp = diagnoseToken(await sign({ user_id: 1 }));
    expect(noExp.problem?.code).toBe('no_expiry');
    expect(isCertainRefusal(noExp.problem)).toBe(false); // JWT_REQUIRE_EXP=false accepts it
  });

  it('explains a 401 of a well-read token by the signature, or by the image owner', async () => {
    const d = diagnoseToken(await sign({ user_id: 45, exp: NOW / 1000 + 3600 }), { now: NOW });
    expect(explainUnauthorized(d)).toMatch(/^the token reads well \(user 45, valid until 2026-11-29 22:00:00 UTC\), so its signature was refused: it was signed with another secret than the API's JWT_SECRET/);
    expect(explainUnauthorized(d, { fileOwner: '456' })).toBe("the image belongs to user 456, and the token is user 45's");
    expect(explainUnauthorized(d, { fileOwner: '45' })).toMatch(/signature was refused/);
    expect(relativeTime(3 * 3600_000)).toBe('in 3 hours');
  });
});

describe('the client attaches the diagnosis to a 401', () => {
  let booted: Booted;
  beforeAll(async () => {
    booted = await bootStack();
  });
  afterAll(() => booted?.stack.stop());

  it('expired (signed by the right secret) and wrong secret', async () => {
    const expired = await mintToken('456', { ttlSeconds: -120 });
    const e1 = await createClient({ baseUrl: booted.stack.url, token: expired }).scan().catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(UnauthorizedError);
    expect((e1 as UnauthorizedError).tokenDiagnosis?.problem?.code).toBe('expired');
    const forged = await mintToken('456', { secret: 'another-secret-of-16+' });
    const e2 = (await createClient({ baseUrl: booted.stack.url, token: forged }).scan().catch((e: unknown) => e)) as UnauthorizedError;
    expect(e2.tokenDiagnosis?.problem).toBeUndefined();
    expect(explainUnauthorized(e2.tokenDiagnosis!)).toMatch(/another secret/);
  });
});
