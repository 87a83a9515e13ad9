import { describe, expect, it } from 'vitest';
import { evaluatePolicy, normalizePolicy } from '../../../src/local/gateway/policy.js';

const ARN = 'arn:aws:execute-api:us-east-1:000000000000:api/local/GET/obtain/1-x.jpg';
const verdict = (Statement: unknown) => evaluatePolicy(normalizePolicy({ Version: '2012-10-17', Statement })!, ARN);
const stmt = (Effect: string, Resource: string | string[], Action: string | string[] = 'execute-api:Invoke') => ({
  Effect,
  Action,
  Resource,
});

describe('policy evaluation', () => {
  it('matches * across path segments and ? as one character', () => {
    expect(verdict([stmt('Allow', 'arn:aws:execute-api:us-east-1:000000000000:api/local/*')])).toBe('allow');
    expect(verdict([stmt('Allow', 'arn:aws:execute-api:us-east-1:000000000000:api/local/GET/obtain/?-x.jpg')])).toBe('allow');
    expect(verdict([stmt('Allow', 'arn:aws:execute-api:us-east-1:000000000000:api/local/GET/obtain/??-x.jpg')])).toBe(
      'implicit-deny',
    );
    expect(verdict([stmt('Allow', 'arn:aws:execute-api:us-east-1:000000000000:api/local/POST/*')])).toBe('implicit-deny');
  });

  it('lets an explicit Deny win over any Allow', () => {
    expect(verdict([stmt('Allow', '*'), stmt('Deny', ['x', 'arn:aws:execute-api:*:*:api/*/GET/obtain/*'])])).toBe(
      'explicit-deny',
    );
  });

  it('checks the action, case-insensitively with wildcards', () => {
    expect(verdict([stmt('Allow', '*', 'execute-api:*')])).toBe('allow');
    expect(verdict([stmt('Allow', '*', 'EXECUTE-API:invoke')])).toBe('allow');
    expect(verdict([stmt('Allow', '*', 'execute-api:ManageConnections')])).toBe('implicit-deny');
  });

  it('supports NotResource, a single Statement object, and fails closed on Conditions', () => {
    expect(verdict([{ Effect: 'Allow', Action: '*', NotResource: '*/POST/*' }])).toBe('allow');
    expect(evaluatePolicy(normalizePolicy({ Statement: stmt('Allow', '*') })!, ARN)).toBe('allow');
    expect(verdict([{ ...stmt('Allow', '*'), Condition: { IpAddress: { 'aws:SourceIp': '1.2.3.4' } } }])).toBe(
      'implicit-deny',
    );
  });

  it('rejects documents that are not policies', () => {
    expect(normalizePolicy(undefined)).toBeUndefined();
    expect(normalizePolicy({ Statement: [{ Effect: 'Allow', Resource: '*' }] })).toBeUndefined();
    expect(normalizePolicy({ Statement: [{ Effect: 'allow', Action: '*', Resource: '*' }] })).toBeUndefined();
  });
});
