import { CreateSecretCommand, DeleteSecretCommand, PutSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretsManagerClient } from '../../src/adapters/aws-clients/secrets-manager.js';
import { SECRET_CACHE_TTL_MS, SecretsManagerSecretReader } from '../../src/adapters/secrets-manager-secret-reader.js';
import { startMoto, type Moto } from '../helpers/moto.js';

/** The real SDK against moto's Secrets Manager. */
describe('SecretsManagerSecretReader', () => {
  let moto: Moto;
  let client: SecretsManagerClient;
  let counted = 0;
  beforeAll(async () => {
    moto = await startMoto();
    client = secretsManagerClient(moto.env);
    client.middlewareStack.add((next, ctx) => async (args) => {
      if (ctx.commandName === 'GetSecretValueCommand') counted++;
      return next(args);
    }, { step: 'initialize' });
  });
  afterAll(async () => {
    client?.destroy();
    await moto?.stop();
  });

  it('reads a secret once per TTL, then sees a rotated value', async () => {
    const { ARN } = await client.send(new CreateSecretCommand({ Name: 'jwt-1', SecretString: 'first-secret-value-1' }));
    let t = 1_000;
    const reader = new SecretsManagerSecretReader(client, SECRET_CACHE_TTL_MS, () => t);
    counted = 0;
    const [a, b] = await Promise.all([reader.read(ARN!), reader.read(ARN!)]);
    expect([a, b]).toEqual(['first-secret-value-1', 'first-secret-value-1']);
    expect(counted).toBe(1); // concurrent cold reads share one call
    await client.send(new PutSecretValueCommand({ SecretId: ARN, SecretString: 'second-secret-value-2' }));
    t += SECRET_CACHE_TTL_MS - 1;
    expect(await reader.read(ARN!)).toBe('first-secret-value-1');
    expect(counted).toBe(1);
    t += 1;
    expect(await reader.read(ARN!)).toBe('second-secret-value-2');
    expect(counted).toBe(2);
  });

  it('keeps the last good value when a refresh fails, and fails when it never had one', async () => {
    const { ARN } = await client.send(new CreateSecretCommand({ Name: 'jwt-2', SecretString: 'kept-secret-value-3' }));
    let t = 0;
    const reader = new SecretsManagerSecretReader(client, 1_000, () => t);
    expect(await reader.read(ARN!)).toBe('kept-secret-value-3');
    await client.send(new DeleteSecretCommand({ SecretId: ARN, ForceDeleteWithoutRecovery: true }));
    t += 1_000;
    expect(await reader.read(ARN!)).toBe('kept-secret-value-3');
    await expect(reader.read('arn:aws:secretsmanager:us-east-1:123456789012:secret:nope-AbCdEf')).rejects.toThrow(/can't find|not found|ResourceNotFound/i);
  });
});
