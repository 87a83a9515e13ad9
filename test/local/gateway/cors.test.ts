import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../src/local/gateway/index.js';
import { bearer, echo, withGateway } from './helpers.js';

const ALLOWED = 'http://app.example';
const OTHER = 'http://evil.example';

let gw: Gateway;
let anyOrigin: Gateway;
beforeAll(async () => {
  const routes = [
    { method: 'GET' as const, resource: '/images/{file_name}', handler: echo, authorized: true },
    { method: 'DELETE' as const, resource: '/images/{file_name}', handler: echo, authorized: true },
    { method: 'GET' as const, resource: '/plain', handler: async () => ({ statusCode: 200, body: 'x' }), authorized: false },
  ];
  ({ gw } = await withGateway({ routes, allowedOrigins: [ALLOWED] }));
  ({ gw: anyOrigin } = await withGateway({ routes, allowedOrigins: ['*'] }));
});
afterAll(async () => {
  await gw.close();
  await anyOrigin.close();
});

const preflight = (base: string, path: string, origin: string) =>
  fetch(base + path, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': 'DELETE', 'Access-Control-Request-Headers': 'authorization' },
  });

describe('CORS', () => {
  it('answers a preflight from an allowed origin with 204 and the full header set', async () => {
    const res = await preflight(gw.url, '/images/1-a.jpg', ALLOWED);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(res.headers.get('access-control-allow-methods')).toBe('GET,DELETE,OPTIONS');
    expect(res.headers.get('access-control-allow-headers')).toBe('Authorization,Content-Type,Accept');
    expect(res.headers.get('access-control-max-age')).toBe('600');
    expect(res.headers.get('vary')).toBe('Origin');
  });

  it('does not grant other origins, unless "*" is configured', async () => {
    const res = await preflight(gw.url, '/images/1-a.jpg', OTHER);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const star = await preflight(anyOrigin.url, '/images/1-a.jpg', OTHER);
    expect(star.headers.get('access-control-allow-origin')).toBe(OTHER);
  });

  it('does not answer preflights for unknown paths', async () => {
    expect((await preflight(gw.url, '/nope', ALLOWED)).status).toBe(404);
  });

  it('puts CORS headers on the gateway 401, 403 and 404', async () => {
    const answers = [
      await fetch(`${gw.url}/images/1-a.jpg`, { headers: { Origin: ALLOWED } }),
      await fetch(`${gw.url}/images/1-a.jpg`, { headers: { Origin: ALLOWED, ...(await bearer({ user_id: 1, deny: true })) } }),
      await fetch(`${gw.url}/nowhere`, { headers: { Origin: ALLOWED } }),
    ];
    expect(answers.map((r) => r.status)).toEqual([401, 403, 404]);
    for (const res of answers) {
      expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect(res.headers.get('vary')).toBe('Origin');
      expect(res.headers.get('content-type')).toBe('application/json');
    }
    const foreign = await fetch(`${gw.url}/nowhere`, { headers: { Origin: OTHER } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('passes handler responses through without adding CORS headers', async () => {
    const res = await fetch(`${gw.url}/plain`, { headers: { Origin: ALLOWED } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
