import { describe, expect, it, vi } from 'vitest';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { createAuthorization } from '../../../src/local/gateway/authorizer.js';
import { API_ARN } from './helpers.js';

const identity = { functionName: 'authz', region: 'us-east-1', accountId: '000000000000' };
const allowAll = (context?: Record<string, unknown>): APIGatewayAuthorizerResult =>
  ({
    principalId: 'u1',
    policyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: `${API_ARN}/*` }] },
    ...(context ? { context } : {}),
  }) as APIGatewayAuthorizerResult;

describe('authorizer result cache', () => {
  it('expires entries after the TTL', async () => {
    let clock = 1_000_000;
    const authorizer = vi.fn(async () => allowAll());
    const authorize = createAuthorization({ authorizer, ttlSeconds: 60, identity, now: () => clock });
    await authorize('t', `${API_ARN}/GET/a`);
    clock += 59_000;
    await authorize('t', `${API_ARN}/GET/a`);
    expect(authorizer).toHaveBeenCalledTimes(1);
    clock += 2_000;
    await authorize('t', `${API_ARN}/GET/a`);
    expect(authorizer).toHaveBeenCalledTimes(2);
  });

  it('keys the cache by token', async () => {
    const authorizer = vi.fn(async () => allowAll());
    const authorize = createAuthorization({ authorizer, ttlSeconds: 60, identity });
    await authorize('t1', `${API_ARN}/GET/a`);
    await authorize('t2', `${API_ARN}/GET/a`);
    expect(authorizer).toHaveBeenCalledTimes(2);
  });

  it('treats malformed answers as authorizer errors and does not cache them', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const bad = [
      { policyDocument: allowAll().policyDocument },
      { principalId: 'u1' },
      allowAll({ nested: { no: 'objects' } }),
      { principalId: 'u1', policyDocument: { Statement: [{ Effect: 'Maybe', Action: '*', Resource: '*' }] } },
    ];
    for (const answer of bad) {
      const authorizer = vi.fn(async () => answer as APIGatewayAuthorizerResult);
      const authorize = createAuthorization({ authorizer, ttlSeconds: 60, identity });
      expect(await authorize('t', `${API_ARN}/GET/a`)).toEqual({ outcome: 'authorizer_error' });
      await authorize('t', `${API_ARN}/GET/a`);
      expect(authorizer).toHaveBeenCalledTimes(2);
    }
    expect(spy).toHaveBeenCalled();
    spy.mockRestore();
  });

  it('stringifies context values and drops null ones', async () => {
    const authorize = createAuthorization({
      authorizer: async () => allowAll({ n: 5, b: true, s: 'x', gone: null }),
      ttlSeconds: 0,
      identity,
    });
    const decision = await authorize('t', `${API_ARN}/GET/a`);
    expect(decision).toMatchObject({ outcome: 'allow', requestContextAuthorizer: { n: '5', b: 'true', s: 'x', principalId: 'u1' } });
    expect(decision.outcome === 'allow' && 'gone' in decision.requestContextAuthorizer).toBe(false);
  });
});
