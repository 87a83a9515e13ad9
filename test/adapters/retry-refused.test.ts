import { describe, expect, it } from 'vitest';
import { sendRetryingRefused } from '../../src/adapters/retry-refused.js';
import { PublishFailedError } from '../../src/ports/event-publisher.js';

describe('sendRetryingRefused', () => {
  /** A batch API that refuses each entry as many times as `refusals` says, recording every call. */
  const batchApi = (refusals: Record<string, number>) => {
    const calls: string[][] = [];
    const send = async (entries: string[]) => {
      calls.push(entries);
      const refused = entries.filter((e) => (refusals[e] = (refusals[e] ?? 0) - 1) >= 0);
      return { refused, codes: refused.map(() => 'ThrottlingException') };
    };
    return { calls, send };
  };

  it('sends the refused entries again, only those, until all are taken', async () => {
    const api = batchApi({ b: 1, c: 2 });
    await sendRetryingRefused(['a', 'b', 'c'], api.send, 'the bus', [0, 0]);
    expect(api.calls).toEqual([['a', 'b', 'c'], ['b', 'c'], ['c']]);
  });

  it('gives up after the last pause with PublishFailedError naming the destination and codes', async () => {
    const api = batchApi({ b: 9 });
    const error = await sendRetryingRefused(['a', 'b'], api.send, 'the bus', [0, 0]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishFailedError);
    expect((error as Error).message).toBe('the bus refused 1 of 1 events (ThrottlingException) after 3 attempts');
    expect(api.calls).toEqual([['a', 'b'], ['b'], ['b']]);
  });

  it('calls once when nothing is refused, and lets a failed call itself through', async () => {
    const api = batchApi({});
    await sendRetryingRefused(['a'], api.send, 'the bus');
    expect(api.calls).toEqual([['a']]);
    await expect(sendRetryingRefused(['a'], () => Promise.reject(new Error('network')), 'the bus')).rejects.toThrow('network');
  });
});
