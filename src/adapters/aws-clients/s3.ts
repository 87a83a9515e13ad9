import { S3Client } from '@aws-sdk/client-s3';
import type { Env } from '../../config.js';
import { awsClientOptions } from './common.js';

export const s3Client = (env: Env) =>
  new S3Client({
    ...awsClientOptions(env, env.AWS_ENDPOINT_URL_S3),
    forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true',
    // Otherwise the SDK adds a CRC32 of an empty body to presigned PUTs, and
    // validates streamed GETs in ways that corrupt them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });

/** Every setting s3Client reads from its env (a test keeps this list complete). */
export const S3_CLIENT_ENV_KEYS = ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ENDPOINT_URL_S3', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'S3_FORCE_PATH_STYLE'] as const;

/** Only what s3Client needs from an env: for a thread that builds its own client, and nothing else of the env. */
export const s3ClientEnv = (env: Env): Env => Object.fromEntries(S3_CLIENT_ENV_KEYS.filter((k) => env[k] !== undefined).map((k) => [k, env[k]]));
