import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Env } from '../config.js';

/**
 * SDK clients built from a function's environment. In Lambda that is
 * process.env; the local stack passes its own env with endpoints to local servers.
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

export const s3Client = (env: Env) =>
  new S3Client({
    ...awsClientOptions(env, env.AWS_ENDPOINT_URL_S3),
    forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true',
    // Otherwise the SDK adds a CRC32 of an empty body to presigned PUTs, and
    // validates streamed GETs in ways that corrupt them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });

export const documentClient = (env: Env) =>
  DynamoDBDocumentClient.from(new DynamoDBClient(awsClientOptions(env, env.AWS_ENDPOINT_URL_DYNAMODB)), {
    marshallOptions: { removeUndefinedValues: true },
  });

export const rekognitionClient = (env: Env) => new RekognitionClient(awsClientOptions(env, env.AWS_ENDPOINT_URL_REKOGNITION));
