import { describe, expect, it } from 'vitest';
import { lazy } from '../../src/handlers/lazy.js';

describe('lazy (cold-start values)', () => {
  it('builds once and keeps the value', () => {
    let builds = 0;
    const get = lazy(() => ({ n: ++builds }));
    expect(get()).toBe(get());
    expect(builds).toBe(1);
  });

  it('does not keep a build that threw, so the next call tries again', () => {
    let builds = 0;
    const get = lazy(() => {
      if (++builds === 1) throw new Error('config missing');
      return builds;
    });
    expect(() => get()).toThrow('config missing');
    expect(get()).toBe(2);
    expect(get()).toBe(2);
  });

  it('shares one pending promise, and forgets a rejected one', async () => {
    let builds = 0;
    const get = lazy(async () => {
      if (++builds === 1) throw new Error('detector failed to start');
      return builds;
    });
    const [a, b] = [get(), get()];
    await expect(a).rejects.toThrow('detector failed to start');
    await expect(b).rejects.toThrow('detector failed to start');
    expect(await get()).toBe(2);
    expect(await get()).toBe(2);
    expect(builds).toBe(2);
  });
});
