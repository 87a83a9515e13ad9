import { request } from 'node:http';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LOCAL_SECRET, mintToken } from '../../src/local/token.js';
import { openApiDocument } from '../../src/openapi/document.js';
import { sha256, solidPng } from '../helpers/images.js';
import { bootStack, registerBody, type Booted } from '../helpers/stack-harness.js';
import { createValidator, documentedStatuses, type Exchange } from '../helpers/openapi-validator.js';

/**
 * The document is kept true by the stack itself: every answer below, success
 * or error, is checked against the operation's documented status, body schema
 * and headers; and every documented status is provoked, but for the few no
 * input can cause (listed, with why).
 */

/** Documented answers no request can provoke on a healthy local stack. */
const UNPROVOKABLE: Record<string, string> = {
  '429': 'API Gateway throttling (not emulated locally)',
  '500': 'an unexpected failure or a failing authorizer',
  '502': 'a crashing or malformed function',
  '504': 'a function slower than the 29 s integration timeout',
  '503': '/health when the embedded label model failed to load',
};
/** The authorizer's policy allows the whole API for every valid token: only the receiver's own 403 exists. */
const unprovokable = (op: string, status: string) => status in UNPROVOKABLE || (status === '403' && op !== 'POST /receiver');

const beach = solidPng([240, 210, 160]);

describe('the OpenAPI document against real answers of the local stack', () => {
  let booted: Booted;
  let url: string;
  let token: string;
  const validator = createValidator();
  const seen = new Set<string>();

  /** One request, validated against the document; returns the answer for further checks. */
  const exchange = async (
    method: string,
    template: string,
    path: string,
    o: { body?: string; headers?: Record<string, string>; auth?: string | null } = {},
  ): Promise<Exchange> => {
    const auth = o.auth === undefined ? `Bearer ${token}` : o.auth;
    const res = await fetch(`${url}${path}`, {
      method,
      redirect: 'manual',
      headers: { ...(auth ? { Authorization: auth } : {}), ...(o.body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...o.headers },
      body: o.body,
    });
    const text = await res.text();
    const ex: Exchange = { method, template, status: res.status, headers: res.headers, text };
    const problems = validator.check(ex);
    expect(problems, `${method} ${path} → ${res.status} ${text.slice(0, 300)}`).toEqual([]);
    seen.add(`${method} ${template} ${res.status}`);
    return ex;
  };

  /** A body larger than the gateway's 10 MiB limit, on any method (fetch refuses GET bodies). */
  const oversized = (method: string, path: string) =>
    new Promise<Exchange>((resolve, reject) => {
      const u = new URL(`${url}${path}`);
      const body = Buffer.alloc(10 * 1024 * 1024 + 1, 0x61);
      const headers = { Authorization: `Bearer ${token}`, 'Content-Length': String(body.length) };
      const req = request({ host: u.hostname, port: u.port, path: u.pathname, method, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () =>
          resolve({ method, template: '', status: res.statusCode ?? 0, headers: new Headers(res.headers as Record<string, string>), text }),
        );
      });
      req.on('error', reject);
      req.end(body);
    });

  beforeAll(async () => {
    booted = await bootStack({
      fixture: { [sha256(beach)]: [{ name: 'Beach', confidence: 97.5, parents: ['Nature'] }] },
    });
    url = booted.stack.url;
    token = await mintToken('456');
  });
  afterAll(() => booted?.stack.stop());

  it('serves itself at GET /openapi.json (no token) with this stack as the first server', async () => {
    const res = await fetch(`${url}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const served = (await res.json()) as typeof openApiDocument;
    expect(served.servers[0]!.url).toBe(url);
    expect({ ...served, servers: served.servers.slice(1) }).toEqual(JSON.parse(JSON.stringify(openApiDocument)));
    expect((await fetch(`${url}/openapi.json`, { method: 'POST' })).status).toBe(404);
  });

  it('every answer of every route matches its documented status, body and headers; every status is provoked', async () => {
    const file = `456-${sha256(beach)}.png`;
    const missing = `456-${'d'.repeat(64)}.jpg`;
    const reg = (over: object = {}) => JSON.stringify({ ...registerBody(beach, { user_id: 456 }), ...over });

    // health
    await exchange('GET', '/health', '/health', { auth: null });

    // receiver: 201, 200, the upload itself, then every error
    const created = await exchange('POST', '/receiver', '/receiver', { body: reg() });
    expect(created.status).toBe(201);
    const { upload_url, upload_headers } = JSON.parse(created.text) as { upload_url: string; upload_headers: Record<string, string> };
    expect((await fetch(upload_url, { method: 'PUT', headers: upload_headers, body: new Uint8Array(beach) })).status).toBe(200);
    expect((await exchange('POST', '/receiver', '/receiver', { body: reg() })).status).toBe(200);
    await exchange('POST', '/receiver', '/receiver', { body: '{"image_hash":' }); // 400 invalid_json
    await exchange('POST', '/receiver', '/receiver', { body: reg({ image_hash: 'abc' }) }); // 400 validation_error
    await exchange('POST', '/receiver', '/receiver', { body: reg({ user_id: 457 }) }); // 403
    await exchange('POST', '/receiver', '/receiver', { body: reg({ post: { trip_id: 1, location_id: 1, content: 'x'.repeat(70_000) } }) }); // 413
    await exchange('POST', '/receiver', '/receiver', { body: reg({ content_type: 'image/gif' }) }); // 415
    await exchange('POST', '/receiver', '/receiver', { body: reg(), auth: 'Bearer not.a.jwt' }); // 401

    // wait for the analysis, checking every record seen on the way
    for (let i = 0; i < 200; i++) {
      const r = await exchange('GET', '/images/{file_name}', `/images/${file}`);
      if (JSON.parse(r.text).status === 'approved') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    // a waiting record (registered, never uploaded) has expires_at set
    const waiting = solidPng([1, 2, 3]);
    await exchange('POST', '/receiver', '/receiver', { body: JSON.stringify(registerBody(waiting, { user_id: 456, post_id: 2 })) });
    const waitingView = await exchange('GET', '/images/{file_name}', `/images/456-${sha256(waiting)}.png`);
    expect(JSON.parse(waitingView.text)).toMatchObject({ status: 'waiting', expires_at: expect.any(String) });

    // obtain
    const redirect = await exchange('GET', '/obtain/{file_name}', `/obtain/${file}`);
    expect(redirect.status).toBe(302);
    expect((await exchange('GET', '/obtain/{file_name}', `/obtain/${file}`, { headers: { Accept: 'application/json' } })).status).toBe(200);
    await exchange('GET', '/obtain/{file_name}', `/obtain/${missing}`); // 404
    await exchange('GET', '/obtain/{file_name}', `/obtain/45-${sha256(beach)}.png`); // 401 another user's
    await exchange('GET', '/obtain/{file_name}', '/obtain/not-a-name.jpg'); // 400
    await exchange('GET', '/obtain/{file_name}', '/obtain/%E0%A4%A'); // 400 malformed escape (gateway)
    await exchange('GET', '/obtain/{file_name}', `/obtain/${file}`, { auth: null }); // 401 no token

    // scan: every grouping, filters, and every error
    for (const q of ['', '?post_id=1', '?trip_id=10', '?location_id=20', `?label=${encodeURIComponent('beach>80')}&label=${encodeURIComponent('ocean<90')}`]) {
      const r = await exchange('GET', '/scan', `/scan${q}`);
      const body = JSON.parse(r.text) as { total_count: number; images: string[] };
      expect(body.total_count).toBe(body.images.length);
    }
    await exchange('GET', '/scan', '/scan?post_id=1&trip_id=2'); // 400 bad_request
    await exchange('GET', '/scan', '/scan?user_id=457'); // 400 unknown_parameter
    await exchange('GET', '/scan', `/scan?label=${encodeURIComponent('beach>=80')}`); // 400 invalid_filter
    const expired = await new SignJWT({ user_id: 456 })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(Math.floor(Date.now() / 1000) - 120)
      .sign(new TextEncoder().encode(DEFAULT_LOCAL_SECRET));
    await exchange('GET', '/scan', '/scan', { auth: `Bearer ${expired}` }); // 401

    // images
    await exchange('GET', '/images/{file_name}', `/images/${missing}`); // 404
    await exchange('GET', '/images/{file_name}', `/images/45-${sha256(beach)}.png`); // 401
    await exchange('GET', '/images/{file_name}', '/images/nope'); // 400
    await exchange('DELETE', '/images/{file_name}', `/images/45-${sha256(beach)}.png`); // 401
    await exchange('DELETE', '/images/{file_name}', '/images/nope'); // 400
    await exchange('DELETE', '/images/{file_name}', '/images/%E0%A4%A'); // 400 (gateway)
    await exchange('DELETE', '/images/{file_name}', `/images/${missing}`); // 204 (idempotent)
    expect((await exchange('DELETE', '/images/{file_name}', `/images/${file}`)).status).toBe(204);

    // the gateway's 413 on every authorized route
    for (const [method, template, path] of [
      ['POST', '/receiver', '/receiver'],
      ['GET', '/obtain/{file_name}', `/obtain/${file}`],
      ['GET', '/scan', '/scan'],
      ['GET', '/images/{file_name}', `/images/${file}`],
      ['DELETE', '/images/{file_name}', `/images/${file}`],
    ] as const) {
      const ex = { ...(await oversized(method, path)), template };
      expect(validator.check(ex), `${ex.status} ${JSON.stringify([...ex.headers])} ${ex.text}`).toEqual([]);
      expect(ex.status).toBe(413);
      seen.add(`${method} ${template} 413`);
    }

    const missed = documentedStatuses()
      .filter(({ op, status }) => !seen.has(`${op} ${status}`) && !unprovokable(op, status))
      .map(({ op, status }) => `${op} ${status}`);
    expect(missed).toEqual([]);
  });

  it('undocumented statuses and wrong bodies are caught by the validator (it is not vacuous)', () => {
    const h = new Headers({ 'content-type': 'application/json' });
    expect(validator.check({ method: 'GET', template: '/scan', status: 418, headers: h, text: '{}' })).not.toEqual([]);
    expect(validator.check({ method: 'GET', template: '/scan', status: 200, headers: h, text: '{"grouping":"user_id"}' })).not.toEqual([]);
    expect(validator.check({ method: 'GET', template: '/scan', status: 400, headers: h, text: '{"error":"nope","message":"x"}' })).not.toEqual([]);
    expect(validator.check({ method: 'GET', template: '/obtain/{file_name}', status: 302, headers: new Headers(), text: '' })).not.toEqual([]);
    expect(validator.check({ method: 'DELETE', template: '/images/{file_name}', status: 204, headers: h, text: '{"a":1}' })).not.toEqual([]);
  });
});
