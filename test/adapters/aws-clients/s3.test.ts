import { describe, expect, it } from 'vitest';
import { S3_CLIENT_ENV_KEYS, s3Client, s3ClientEnv } from '../../../src/adapters/aws-clients/s3.js';

describe('s3Client’s settings', () => {
  it('reads no env key that S3_CLIENT_ENV_KEYS leaves out (a thread given s3ClientEnv builds the same client)', () => {
    const read = new Set<string>();
    const env = new Proxy({} as Record<string, string | undefined>, {
      get: (_, key) => {
        if (typeof key === 'string') read.add(key);
        return key === 'AWS_ACCESS_KEY_ID' || key === 'AWS_SECRET_ACCESS_KEY' || key === 'AWS_SESSION_TOKEN' ? 'x' : undefined;
      },
    });
    s3Client(env).destroy();
    expect(read.size).toBeGreaterThan(0);
    expect([...read].filter((k) => !(S3_CLIENT_ENV_KEYS as readonly string[]).includes(k))).toEqual([]);
  });

  it('s3ClientEnv keeps those settings and nothing else of the env', () => {
    const env = {
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9',
      AWS_ACCESS_KEY_ID: 'AKID',
      AWS_SECRET_ACCESS_KEY: 'secret',
      S3_FORCE_PATH_STYLE: 'true',
      JWT_SECRET: 'not for the worker',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8',
      AWS_SESSION_TOKEN: undefined,
    };
    expect(s3ClientEnv(env)).toEqual({
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9',
      AWS_ACCESS_KEY_ID: 'AKID',
      AWS_SECRET_ACCESS_KEY: 'secret',
      S3_FORCE_PATH_STYLE: 'true',
    });
  });
});
