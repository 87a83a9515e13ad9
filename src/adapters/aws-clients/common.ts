import type { Env } from '../../config.js';

/**
 * The settings every SDK client takes from a function's environment. In Lambda
 * that is process.env; the local stack and the emulator tests pass their own
 * env with endpoints to local servers. One module per client beside this one,
 * so a bundle loads only the clients its function calls.
 */
export const awsClientOptions = (env: Env, endpoint: string | undefined) => ({
  region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
  ...(endpoint ? { endpoint } : {}),
  ...(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
    ? {
        credentials: {
          accessKeyId: env.AWS_ACCESS_KEY_ID,
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
          ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
        },
      }
    : {}),
});
