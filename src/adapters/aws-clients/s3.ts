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
