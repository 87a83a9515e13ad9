import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Gateway, Route } from '../../../src/local/gateway/index.js';
import { API_ARN, bearer, echo, withGateway } from './helpers.js';

const routes: Route[] = [
  { method: 'GET', resource: '/a', handler: echo, authorized: true },
  { method: 'GET', resource: '/b', handler: echo, authorized: true },
  { method: 'GET', resource: '/health', handler: echo, authorized: false },
];

let gw: Gateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
  vi.restoreAllMocks();
});

async function start(ttl = 300) {
  const started = await withGateway({ routes, authorizerCacheTtlSeconds: ttl });
  gw = started.gw;
  return started.calls;
}

const get = (path: string, headers: Record<string, string> = {}) => fetch(gw!.url + path, { headers });

describe('TOKEN authorizer', () => {
  it('answers 401 without invoking the authorizer when the header is missing or empty', async () => {
    const calls = await start();
    for (const headers of [{}, { Authorization: '' }] as Array<Record<string, string>>) {
      const res = await get('/a', headers);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: 'unauthorized' });
    }
    expect(calls).toHaveLength(0);
    expect((await get('/health')).status).toBe(200);
  });

  it('invokes it with the header value and the method ARN', async () => {
    const calls = await start();
    const res = await get('/a', await bearer({ user_id: 7 }));
    expect(res.status).toBe(200);
    expect(calls).toEqual([`${API_ARN}/GET/a`]);
  });

  it('answers 401 when the authorizer throws Unauthorized, and does not cache it', async () => {
    const calls = await start();
    const bad = { Authorization: 'Bearer not-a-jwt' };
    expect((await get('/a', bad)).status).toBe(401);
    expect((await get('/a', bad)).status).toBe(401);
    expect(calls).toHaveLength(2);
  });

  it('answers 500 authorizer_error when the authorizer fails otherwise', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    await start();
    const res = await get('/a', await bearer({ user_id: 7, boom: true }));
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ error: 'authorizer_error' });
  });

  it('answers 403 on a Deny policy and caches the Deny', async () => {
    const calls = await start();
    const auth = await bearer({ user_id: 7, deny: true });
    for (const path of ['/a', '/b']) {
      const res = await get(path, auth);
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ error: 'forbidden', message: 'User is not authorized to access this resource' });
    }
    expect(calls).toHaveLength(1);
  });

  it('re-evaluates a cached policy against each method ARN (method-scoped policy → 403 elsewhere)', async () => {
    const calls = await start(300);
    const auth = await bearer({ user_id: 7, scope: 'method' });
    expect((await get('/a', auth)).status).toBe(200);
    expect((await get('/a', auth)).status).toBe(200);
    const other = await get('/b', auth);
    expect(other.status).toBe(403);
    expect(calls).toEqual([`${API_ARN}/GET/a`]);
  });

  it('reuses a whole-API policy from the cache for other routes', async () => {
    const calls = await start(300);
    const auth = await bearer({ user_id: 7 });
    expect((await get('/a', auth)).status).toBe(200);
    const b = await get('/b', auth);
    expect(b.status).toBe(200);
    const { event } = (await b.json()) as { event: { requestContext: { authorizer: Record<string, unknown> } } };
    expect(event.requestContext.authorizer).toMatchObject({ principalId: '7', user_id: '7', integrationLatency: 0 });
    expect(calls).toHaveLength(1);
  });

  it('invokes the authorizer on every request when the TTL is 0', async () => {
    const calls = await start(0);
    const auth = await bearer({ user_id: 7, scope: 'method' });
    expect((await get('/a', auth)).status).toBe(200);
    expect((await get('/b', auth)).status).toBe(200);
    expect((await get('/a', auth)).status).toBe(200);
    expect(calls).toEqual([`${API_ARN}/GET/a`, `${API_ARN}/GET/b`, `${API_ARN}/GET/a`]);
  });
});
