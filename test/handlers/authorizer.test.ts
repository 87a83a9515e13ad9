import '../helpers/quiet-powertools.js';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { Env } from '../../src/config.js';
import { authorize, createAuthorizer } from '../../src/handlers/authorizer.js';
import { InvalidTokenError, type TokenVerifier } from '../../src/ports/token-verifier.js';
import { ACCOUNT_ID, API_ID, REGION, STAGE, tokenEvent } from '../helpers/lambda-events.js';

const SECRET = 'a-deploy-time-secret-of-32-chars!';
const ENV: Env = { JWT_SECRET: SECRET };
const nowS = () => Math.floor(Date.now() / 1000);
const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

interface TokenOptions {
  alg?: 'HS256' | 'HS384' | 'HS512';
  secret?: string;
  exp?: number | null;
  nbf?: number;
}
/** A jsonwebtoken-style token, as the backend-server mints them. */
const token = (claims: Record<string, unknown>, { alg = 'HS256', secret = SECRET, exp = nowS() + 3600, nbf }: TokenOptions = {}) => {
  let jwt = new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).setIssuedAt();
  if (exp !== null) jwt = jwt.setExpirationTime(exp);
  if (nbf !== undefined) jwt = jwt.setNotBefore(nbf);
  return jwt.sign(new TextEncoder().encode(secret));
};

const run = (env: Env, authorizationToken: string, methodArn?: string) => createAuthorizer(env)(tokenEvent(authorizationToken, methodArn));

const expectAllowed = async (env: Env, header: string, userId: string) => {
  const result = await run(env, header);
  expect(result.principalId).toBe(userId);
  expect(result.context).toEqual({ user_id: userId });
  return result;
};
const expectUnauthorized = (env: Env, header: string) => expect(run(env, header)).rejects.toThrow(/^Unauthorized$/);

describe('authorizer (TOKEN, HS256)', () => {
  it('allows a valid token for the whole API and hands user_id to the functions', async () => {
    const methodArn = `arn:aws:execute-api:${REGION}:${ACCOUNT_ID}:${API_ID}/${STAGE}/POST/receiver`;
    const result = await run(ENV, `Bearer ${await token({ user_id: 'traveller_1' })}`, methodArn);
    expect(result).toEqual({
      principalId: 'traveller_1',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'execute-api:Invoke',
            Effect: 'Allow',
            Resource: `arn:aws:execute-api:${REGION}:${ACCOUNT_ID}:${API_ID}/${STAGE}/*`,
          },
        ],
      },
      context: { user_id: 'traveller_1' },
    });
  });

  it('the same cached policy covers every route of the stage', async () => {
    const header = `Bearer ${await token({ user_id: 'u' })}`;
    const result = await run(ENV, header, `arn:aws:execute-api:${REGION}:${ACCOUNT_ID}:${API_ID}/${STAGE}/GET/obtain/u-x.jpg`);
    const resource = result.policyDocument.Statement[0] as { Resource: string };
    const toRegex = (arn: string) => new RegExp(`^${arn.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\*/g, '.*')}$`);
    for (const route of ['GET/obtain/u-x.jpg', 'POST/receiver', 'GET/scan', 'DELETE/images/u-y.png', 'GET/images/u-y.png']) {
      expect(`arn:aws:execute-api:${REGION}:${ACCOUNT_ID}:${API_ID}/${STAGE}/${route}`).toMatch(toRegex(resource.Resource));
    }
    expect(`arn:aws:execute-api:${REGION}:${ACCOUNT_ID}:${API_ID}/other-stage/GET/scan`).not.toMatch(toRegex(resource.Resource));
  });

  it('turns a numeric user_id claim into its decimal string', async () => {
    await expectAllowed(ENV, `Bearer ${await token({ user_id: 456 })}`, '456');
  });

  it('uses sub when user_id is absent', async () => {
    await expectAllowed(ENV, `Bearer ${await token({ sub: 'sub-user' })}`, 'sub-user');
  });

  it('prefers user_id over sub', async () => {
    await expectAllowed(ENV, `Bearer ${await token({ user_id: 7, sub: 'other' })}`, '7');
  });

  it('accepts a lower-case bearer scheme', async () => {
    await expectAllowed(ENV, `bearer ${await token({ user_id: 'x' })}`, 'x');
  });

  it.each([
    ['missing header', ''],
    ['scheme only', 'Bearer'],
    ['garbage token', 'Bearer not-a-jwt'],
    ['three garbage parts', 'Bearer aaa.bbb.ccc'],
    ['Basic auth', `Basic ${Buffer.from('user:pass').toString('base64')}`],
  ])('refuses %s', async (_, header) => {
    await expectUnauthorized(ENV, header);
  });

  it('refuses a raw token without the Bearer scheme', async () => {
    await expectUnauthorized(ENV, await token({ user_id: 'u' }));
  });

  it('refuses alg "none"', async () => {
    const unsigned = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ user_id: 'u', exp: nowS() + 3600 })}.`;
    await expectUnauthorized(ENV, `Bearer ${unsigned}`);
  });

  it('refuses HS512 when only HS256 is configured, and accepts it once configured', async () => {
    const hs512 = `Bearer ${await token({ user_id: 'u' }, { alg: 'HS512' })}`;
    await expectUnauthorized(ENV, hs512);
    await expectAllowed({ ...ENV, JWT_ALGORITHMS: 'HS256,HS512' }, hs512, 'u');
    // …and HS256 is then refused when not in the list.
    await expectUnauthorized({ ...ENV, JWT_ALGORITHMS: 'HS512' }, `Bearer ${await token({ user_id: 'u' })}`);
  });

  it('refuses a bad signature', async () => {
    await expectUnauthorized(ENV, `Bearer ${await token({ user_id: 'u' }, { secret: 'another-secret-of-enough-length' })}`);
    const good = await token({ user_id: 'u' });
    const [h, , s] = good.split('.');
    await expectUnauthorized(ENV, `Bearer ${h}.${b64url({ user_id: 'admin', exp: nowS() + 3600 })}.${s}`);
  });

  it('refuses an expired token beyond the 30 s leeway, accepts one within it', async () => {
    await expectUnauthorized(ENV, `Bearer ${await token({ user_id: 'u' }, { exp: nowS() - 120 })}`);
    await expectAllowed(ENV, `Bearer ${await token({ user_id: 'u' }, { exp: nowS() - 10 })}`, 'u');
  });

  it('refuses a token not yet valid beyond the leeway, accepts one within it', async () => {
    await expectUnauthorized(ENV, `Bearer ${await token({ user_id: 'u' }, { nbf: nowS() + 120 })}`);
    await expectAllowed(ENV, `Bearer ${await token({ user_id: 'u' }, { nbf: nowS() + 10 })}`, 'u');
  });

  it('requires exp unless JWT_REQUIRE_EXP=false', async () => {
    const noExp = `Bearer ${await token({ user_id: 'u' }, { exp: null })}`;
    await expectUnauthorized(ENV, noExp);
    await expectAllowed({ ...ENV, JWT_REQUIRE_EXP: 'false' }, noExp, 'u');
  });

  it.each([
    ['no user claim', { name: 'someone' }],
    ['a slash', { user_id: 'a/b' }],
    ['a space', { user_id: 'a b' }],
    ['a hash', { user_id: 'a#post#1' }],
    ['too long', { user_id: 'x'.repeat(129) }],
    ['empty', { user_id: '' }],
    ['negative number', { user_id: -5 }],
    ['fraction', { user_id: 4.5 }],
    ['object', { user_id: { id: 1 } }],
    ['invalid user_id even with a valid sub', { user_id: 'bad id', sub: 'good' }],
  ])('refuses a token with %s', async (_, claims) => {
    await expectUnauthorized(ENV, `Bearer ${await token(claims)}`);
  });

  it('honours JWT_USER_CLAIMS', async () => {
    const t = `Bearer ${await token({ uid: 'custom', user_id: 'ignored' })}`;
    await expectAllowed({ ...ENV, JWT_USER_CLAIMS: 'uid' }, t, 'custom');
  });

  it('refuses to start with neither or both of JWT_SECRET and JWT_SECRET_ARN', async () => {
    const t = `Bearer ${await token({ user_id: 'u' })}`;
    await expect((async () => run({}, t))()).rejects.toThrow(/exactly one of JWT_SECRET and JWT_SECRET_ARN/);
    await expect((async () => run({ ...ENV, JWT_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:1:secret:x' }, t))()).rejects.toThrow(/exactly one/);
  });

  it('refuses to start with a secret shorter than 16 characters', async () => {
    const t = `Bearer ${await token({ user_id: 'u' })}`;
    await expect((async () => run({ JWT_SECRET: 'short' }, t))()).rejects.toThrow(/JWT_SECRET/);
  });

  it('authorize(): a verifier error other than an invalid token is not disguised as a 401', async () => {
    const broken: TokenVerifier = {
      verify: async () => {
        throw new Error('secrets manager down');
      },
    };
    await expect(authorize(broken)(tokenEvent('Bearer x.y.z'))).rejects.toThrow('secrets manager down');
    const refusing: TokenVerifier = {
      verify: async () => {
        throw new InvalidTokenError('expired');
      },
    };
    await expect(authorize(refusing)(tokenEvent('Bearer x.y.z'))).rejects.toThrow(/^Unauthorized$/);
  });
});
