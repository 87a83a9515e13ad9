import '../helpers/quiet-powertools.js';
import { describe, expect, it } from 'vitest';
import { createHealthHandler } from '../../src/handlers/health.js';
import { apiEvent, bodyOf } from '../helpers/lambda-events.js';

const ORIGIN = 'https://app.travellog.example';
const health = (env: Record<string, string>, headers: Record<string, string> = {}) =>
  createHealthHandler(env)(apiEvent({ method: 'GET', resource: '/health', headers, userId: null }));

describe('GET /health', () => {
  it('200 {status: "ok"} without any token', async () => {
    const r = await health({}, { Origin: ORIGIN });
    expect(r.statusCode).toBe(200);
    expect(bodyOf(r)).toEqual({ status: 'ok' });
    expect(r.headers).toMatchObject({ 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Vary: 'Origin' });
    expect(r.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
  });

  it('echoes an allowed Origin only', async () => {
    const env = { ALLOWED_ORIGINS: `${ORIGIN},https://admin.travellog.example` };
    expect((await health(env, { Origin: ORIGIN })).headers?.['Access-Control-Allow-Origin']).toBe(ORIGIN);
    expect((await health(env, { origin: 'https://admin.travellog.example' })).headers?.['Access-Control-Allow-Origin']).toBe(
      'https://admin.travellog.example',
    );
    expect((await health(env, { Origin: 'https://evil.example' })).headers?.['Access-Control-Allow-Origin']).toBeUndefined();
    expect((await health(env, { Origin: `${ORIGIN}.evil.example` })).headers?.['Access-Control-Allow-Origin']).toBeUndefined();
    expect((await health(env)).headers?.['Access-Control-Allow-Origin']).toBeUndefined();
  });

  it('"*" allows any origin', async () => {
    expect((await health({ ALLOWED_ORIGINS: '*' }, { Origin: 'https://any.example' })).headers?.['Access-Control-Allow-Origin']).toBe('*');
  });
});

describe('CORS preflight in AWS (OPTIONS routed to the function, no authorizer)', () => {
  it('answers 204 with the allowed methods and headers for an allowed origin only', async () => {
    const handler = createHealthHandler({ ALLOWED_ORIGINS: 'https://app.example' });
    const ok = await handler(apiEvent({ method: 'OPTIONS', resource: '/health', headers: { Origin: 'https://app.example' }, userId: null }));
    expect(ok.statusCode).toBe(204);
    expect(ok.headers?.['Access-Control-Allow-Origin']).toBe('https://app.example');
    expect(ok.headers?.['Access-Control-Allow-Methods']).toContain('DELETE');
    expect(ok.headers?.['Access-Control-Allow-Headers']).toContain('Authorization');
    const other = await handler(apiEvent({ method: 'OPTIONS', resource: '/health', headers: { Origin: 'https://evil.example' }, userId: null }));
    expect(other.statusCode).toBe(204);
    expect(other.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
    expect(other.headers?.['Access-Control-Allow-Methods']).toBeUndefined();
  });
});
