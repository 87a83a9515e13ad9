import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent, Context } from 'aws-lambda';
import { apiWideResource, bearerToken } from '../core/claims.js';
import { secretsManagerClient } from '../adapters/aws-clients/secrets-manager.js';
import { JoseTokenVerifier } from '../adapters/jose-token-verifier.js';
import { SecretsManagerSecretReader } from '../adapters/secrets-manager-secret-reader.js';
import { AuthorizerConfig, readConfig, type Env } from '../config.js';
import { InvalidTokenError, type TokenVerifier } from '../ports/token-verifier.js';
import { lazy } from './lazy.js';
import { functionLogger } from './observability.js';

const logger = functionLogger('authorizer');

/** API Gateway turns exactly this error message into a 401 for the caller. */
const UNAUTHORIZED = 'Unauthorized';

/** TOKEN authorizer: a valid JWT gets an Allow for the whole API and its user id as context. */
export const authorize =
  (verifier: TokenVerifier) =>
  async (event: APIGatewayTokenAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
    const token = bearerToken(event.authorizationToken);
    if (!token) throw new Error(UNAUTHORIZED);
    let userId: string;
    try {
      userId = await verifier.verify(token);
    } catch (e) {
      if (e instanceof InvalidTokenError) {
        logger.info('token refused', { reason: e.reason }); // the reason, never the token
        throw new Error(UNAUTHORIZED, { cause: e });
      }
      throw e;
    }
    return {
      principalId: userId,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: apiWideResource(event.methodArn) }],
      },
      context: { user_id: userId },
    };
  };

/** The secret itself (local stack), or a cached read of the Secrets Manager secret named in the env (AWS). */
const jwtSecret = (c: ReturnType<typeof readAuthorizerConfig>, env: Env): string | (() => Promise<string>) => {
  if (c.JWT_SECRET !== undefined) return c.JWT_SECRET;
  const arn = c.JWT_SECRET_ARN!;
  const reader = new SecretsManagerSecretReader(secretsManagerClient(env));
  // Read at cold start, in parallel with the rest of the init; failures surface on the first request.
  reader.read(arn).catch(() => undefined);
  return () => reader.read(arn);
};
const readAuthorizerConfig = (env: Env) => readConfig(AuthorizerConfig, env);

export const createAuthorizer = (env: Env) => {
  const verify = lazy(() => {
    const c = readAuthorizerConfig(env);
    return authorize(
      new JoseTokenVerifier({
        secret: jwtSecret(c, env),
        algorithms: c.JWT_ALGORITHMS,
        userClaims: c.JWT_USER_CLAIMS,
        requireExp: c.JWT_REQUIRE_EXP,
        clockToleranceSeconds: 30,
      }),
    );
  });
  return (event: APIGatewayTokenAuthorizerEvent, context?: Context) => {
    if (context) logger.addContext(context);
    return verify()(event);
  };
};

export const handler = createAuthorizer(process.env);
