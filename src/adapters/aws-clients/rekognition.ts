import { RekognitionClient } from '@aws-sdk/client-rekognition';
import type { Env } from '../../config.js';
import { awsClientOptions } from './common.js';

export const rekognitionClient = (env: Env) => new RekognitionClient(awsClientOptions(env, env.AWS_ENDPOINT_URL_REKOGNITION));
