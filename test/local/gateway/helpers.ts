import { connect } from 'node:net';
import { SignJWT, jwtVerify } from 'jose';
import type { APIGatewayAuthorizerResult, APIGatewayProxyEvent, Context } from 'aws-lambda';
import { startGateway, type Gateway, type GatewayOptions, type Route, type TokenAuthorizer } from '../../../src/local/gateway/index.js';

export const SECRET = new TextEncoder().encode('gateway-test-secret');
export const API = { stage: 'local', region: 'us-east-1', accountId: '000000000000', apiId: 'testapi' } as const;
export const API_ARN = `arn:aws:execute-api:${API.region}:${API.accountId}:${API.apiId}/${API.stage}`;

export const token = (claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(SECRET);

/**
 * A tiny real TOKEN authorizer: HS256 via jose; claim `deny` → Deny policy;
 * `scope: 'method'` → a policy covering only the invoked method ARN (the
 * classic caching mistake); otherwise Allow on the whole API.
 */
export function testAuthorizer() {
  const calls: string[] = [];
  const authorizer: TokenAuthorizer = async (event) => {
    calls.push(event.methodArn);
    const raw = event.authorizationToken.replace(/^Bearer /, '');
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(raw, SECRET, { algorithms: ['HS256'] }));
    } catch {
      throw new Error('Unauthorized');
    }
    if (claims.boom) throw new Error('database down');
    const resource = claims.scope === 'method' ? event.methodArn : `${API_ARN}/*`;
    const result: APIGatewayAuthorizerResult = {
      principalId: String(claims.user_id),
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: claims.deny ? 'Deny' : 'Allow', Resource: resource }],
      },
      context: { user_id: claims.user_id as number, admin: false },
    };
    return result;
  };
  return { authorizer, calls };
}

/** Echoes what the function received, so tests can inspect the proxy event. */
export const echo: Route['handler'] = async (event: APIGatewayProxyEvent, context: Context) => ({
  statusCode: 200,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ event, context: { ...context, remaining: context.getRemainingTimeInMillis() } }),
});

export async function withGateway(
  overrides: Partial<GatewayOptions> & Pick<GatewayOptions, 'routes'>,
): Promise<{ gw: Gateway; calls: string[] }> {
  const { authorizer, calls } = testAuthorizer();
  const gw = await startGateway({
    ...API,
    authorizer,
    authorizerCacheTtlSeconds: 300,
    allowedOrigins: ['http://app.example'],
    ...overrides,
  });
  return { gw, calls };
}

export const bearer = async (claims: Record<string, unknown>) => ({ Authorization: `Bearer ${await token(claims)}` });

/** Raw HTTP/1.1 request, for what fetch cannot send (repeated header lines, exact header case). */
export function rawRequest(url: string, lines: string[]): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.end([...lines, 'Connection: close', '', ''].join('\r\n'));
    });
    let data = '';
    socket.setEncoding('utf8').on('data', (c: string) => (data += c));
    socket.on('error', reject).on('end', () => {
      const [head = '', ...rest] = data.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), body: rest.join('\r\n\r\n') });
    });
  });
}
