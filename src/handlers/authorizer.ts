import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { apiWideResource, bearerToken } from '../core/claims.js';
import { JoseTokenVerifier } from '../adapters/jose-token-verifier.js';
import { AuthorizerConfig, readConfig, type Env } from '../config.js';
import { InvalidTokenError, type TokenVerifier } from '../ports/token-verifier.js';
import { logger } from './http.js';

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

export const createAuthorizer = (env: Env) => {
  let verify: ReturnType<typeof authorize> | undefined;
  return (event: APIGatewayTokenAuthorizerEvent) => {
    if (!verify) {
      const c = readConfig(AuthorizerConfig, env);
      verify = authorize(
        new JoseTokenVerifier({
          secret: c.JWT_SECRET,
          algorithms: c.JWT_ALGORITHMS,
          userClaims: c.JWT_USER_CLAIMS,
          requireExp: c.JWT_REQUIRE_EXP,
          clockToleranceSeconds: 30,
        }),
      );
    }
    return verify(event);
  };
};

export const handler = createAuthorizer(process.env);
