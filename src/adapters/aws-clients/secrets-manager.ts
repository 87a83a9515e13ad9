import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Env } from '../../config.js';
import { awsClientOptions } from './common.js';

export const secretsManagerClient = (env: Env) => new SecretsManagerClient(awsClientOptions(env, env.AWS_ENDPOINT_URL_SECRETS_MANAGER));
