import { describe, expect, it } from 'vitest';
import { attemptsOf, AWS_RETRY_SECONDS, LOCAL_RETRY_SECONDS, retryDelaySeconds, retryWindowSeconds } from '../../src/core/webhook-retry.js';

describe('webhook retry schedule', () => {
  it('AWS keeps trying for at least 24 h, each delay within SQS’s 12 h visibility limit', () => {
    expect(retryWindowSeconds(AWS_RETRY_SECONDS)).toBeGreaterThanOrEqual(24 * 3600);
    expect(Math.max(...AWS_RETRY_SECONDS)).toBeLessThanOrEqual(12 * 3600);
    expect(attemptsOf(AWS_RETRY_SECONDS)).toBe(8);
  });

  it('gives the delay after each failed attempt, then nothing', () => {
    expect(retryDelaySeconds(1, AWS_RETRY_SECONDS)).toBe(5);
    expect(retryDelaySeconds(2, AWS_RETRY_SECONDS)).toBe(300);
    expect(retryDelaySeconds(7, AWS_RETRY_SECONDS)).toBe(36_000);
    expect(retryDelaySeconds(8, AWS_RETRY_SECONDS)).toBeUndefined();
    expect(retryDelaySeconds(0, AWS_RETRY_SECONDS)).toBeUndefined();
    expect(retryDelaySeconds(5, LOCAL_RETRY_SECONDS)).toBe(300);
    expect(retryDelaySeconds(6, LOCAL_RETRY_SECONDS)).toBeUndefined();
  });

  it('delays grow (backoff)', () => {
    for (const s of [AWS_RETRY_SECONDS, LOCAL_RETRY_SECONDS]) for (let i = 1; i < s.length; i++) expect(s[i]!).toBeGreaterThanOrEqual(s[i - 1]!);
  });
});
