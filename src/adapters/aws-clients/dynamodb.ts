import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Env } from '../../config.js';
import { awsClientOptions } from './common.js';

export const documentClient = (env: Env) =>
  DynamoDBDocumentClient.from(new DynamoDBClient(awsClientOptions(env, env.AWS_ENDPOINT_URL_DYNAMODB)), {
    marshallOptions: { removeUndefinedValues: true },
  });
