import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Gateway, ProxyHandler, Route } from '../../../src/local/gateway/index.js';
import { invokeWithTimeout, InvocationTimeout } from '../../../src/local/gateway/invoke.js';
import { echo, withGateway } from './helpers.js';

const open = (resource: string, handler: ProxyHandler, method: Route['method'] = 'GET'): Route => ({
  method,
  resource,
  handler,
  authorized: false,
});

let gw: Gateway;
let errorLog: ReturnType<typeof vi.spyOn>;
beforeAll(async () => {
  errorLog = vi.spyOn(console, 'error').mockImplementation(() => {});
  ({ gw } = await withGateway({
    maxBodyBytes: 1024,
    routes: [
      open('/cookies', async () => ({
        statusCode: 201,
        headers: { 'X-Single': 'one', 'Set-Cookie': 'ignored=1', 'X-Number': 5 },
        multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] },
        body: 'created',
      })),
      open('/binary', async () => ({
        statusCode: 200,
        headers: { 'Content-Type': 'image/png' },
        body: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]).toString('base64'),
        isBase64Encoded: true,
      })),
      open('/default-type', async () => ({ statusCode: 200, body: '{}' })),
      open('/throws', async () => {
        throw new Error('handler bug');
      }),
      open('/malformed', async () => ({ statusCode: 200, body: { not: 'a string' } }) as never),
      open('/extra-key', async () => ({ statusCode: 200, body: '', extra: true }) as never),
      open('/upload', echo, 'POST'),
      open('/items/{id}', echo),
      open('/items/special', async () => ({ statusCode: 200, body: 'static wins' })),
    ],
    fallback: async (req, res) => {
      if (!req.url?.startsWith('/static/')) return false;
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('static file');
      return true;
    },
  }));
});
afterAll(async () => {
  await gw.close();
  errorLog.mockRestore();
});

describe('Lambda result → HTTP', () => {
  it('merges headers and multiValueHeaders (multi wins) and keeps status and body', async () => {
    const res = await fetch(`${gw.url}/cookies`);
    expect(res.status).toBe(201);
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(res.headers.get('x-single')).toBe('one');
    expect(res.headers.get('x-number')).toBe('5');
    expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.text()).toBe('created');
  });

  it('base64-decodes isBase64Encoded bodies', async () => {
    const res = await fetch(`${gw.url}/binary`);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]));
  });

  it('defaults Content-Type to application/json like REST APIs', async () => {
    const res = await fetch(`${gw.url}/default-type`);
    expect(res.headers.get('content-type')).toBe('application/json');
  });

  it.each(['/throws', '/malformed', '/extra-key'])('answers 502 internal_error for %s', async (path) => {
    errorLog.mockClear();
    const res = await fetch(gw.url + path);
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({ error: 'internal_error', message: 'Internal server error' });
    expect(errorLog).toHaveBeenCalled();
  });

  it('prefers a static segment over a {param} and decodes params', async () => {
    expect(await (await fetch(`${gw.url}/items/special`)).text()).toBe('static wins');
    const res = await fetch(`${gw.url}/items/%E2%9C%93`);
    expect(((await res.json()) as { event: { pathParameters: unknown } }).event.pathParameters).toEqual({ id: '✓' });
  });

  it('answers 400 on malformed percent-encoding in a path parameter', async () => {
    const res = await fetch(`${gw.url}/items/%E2%9C`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'bad_request' });
  });
});

describe('gateway answers', () => {
  it('answers 413 for a body over the limit and accepts one at the limit', async () => {
    const tooBig = await fetch(`${gw.url}/upload`, { method: 'POST', body: 'x'.repeat(1025) });
    expect(tooBig.status).toBe(413);
    expect(await tooBig.json()).toMatchObject({ error: 'payload_too_large' });
    const fits = await fetch(`${gw.url}/upload`, { method: 'POST', body: 'x'.repeat(1024) });
    expect(fits.status).toBe(200);
  });

  it('answers 413 for a chunked body (no Content-Length) over the limit', async () => {
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 4; i++) c.enqueue(new TextEncoder().encode('y'.repeat(400)));
        c.close();
      },
    });
    const res = await fetch(`${gw.url}/upload`, { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('answers 404 not_found for unknown paths and methods', async () => {
    const res = await fetch(`${gw.url}/nope?x=1`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'not_found', message: 'No route for GET /nope' });
    const wrongMethod = await fetch(`${gw.url}/cookies`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(404);
    expect(await wrongMethod.json()).toEqual({ error: 'not_found', message: 'No route for DELETE /cookies' });
  });

  it('lets the fallback serve paths no route matches', async () => {
    const res = await fetch(`${gw.url}/static/app.js`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('static file');
  });
});

describe('integration timeout', () => {
  it('gives up on a function that does not answer in time', async () => {
    await expect(invokeWithTimeout(() => new Promise(() => {}), 20)).rejects.toBeInstanceOf(InvocationTimeout);
    await expect(invokeWithTimeout(async () => 'ok', 20)).resolves.toBe('ok');
  });
});
