import { request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../../src/local/token.js';
import { bootStack, type Booted } from '../../helpers/stack-harness.js';

/**
 * Request input names every map could trip on: a header, query parameter or path segment
 * called `__proto__`, `toString`, `constructor`… must be plain data to the local stack.
 */
const PROTOTYPE_NAMES = [...Object.getOwnPropertyNames(Object.prototype), '__proto__', 'prototype'];
const TOKEN_CHARS = fc.constantFrom(...'abcXYZ019-_.!~*'.split(''));
const nameArb = fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), fc.string({ unit: TOKEN_CHARS, minLength: 1, maxLength: 12 }));
/** Header values: visible ASCII and spaces (what an HTTP client may send). */
const valueArb = fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 20 }));
const enc = encodeURIComponent;

interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
}

/** Node's http client with raw header names (fetch would refuse or normalise some). */
const send = (url: string, method: string, path: string, headers: [string, string][]) =>
  new Promise<RawReply>((resolve, reject) => {
    const u = new URL(url);
    // Raw header pairs need their own Host (Node adds it only to object headers).
    const raw = [['Host', u.host], ...headers].flat();
    const req = request({ host: u.hostname, port: u.port, method, path, headers: raw as unknown as Record<string, string> }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });

describe('request names that are Object.prototype members', () => {
  let booted: Booted;
  let token: string;
  beforeAll(async () => {
    booted = await bootStack({ env: { ALLOWED_ORIGINS: 'http://app.test' } });
    token = await mintToken('456');
  });
  afterAll(() => booted?.stack.stop());

  it('curl -H "toString: x" /health answers 200', async () => {
    for (const name of PROTOTYPE_NAMES) {
      const reply = await send(booted.stack.url, 'GET', '/health', [[name, 'x']]);
      expect(reply.status, name).toBe(200);
    }
  });

  it('never answers 5xx, and every error carries CORS headers, whatever the names and values', async () => {
    const routes = ['/health', '/scan', '/receiver', '/obtain/{p}', '/images/{p}', '/{p}', '/{p}/{p}', '/openapi.json'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.constantFrom('GET', 'POST', 'DELETE', 'OPTIONS', 'PUT'),
        fc.array(fc.tuple(nameArb, valueArb), { maxLength: 4 }),
        fc.array(fc.tuple(nameArb, valueArb), { maxLength: 4 }),
        nameArb,
        fc.boolean(),
        async (route, method, headers, query, segment, authorized) => {
          const path = route.replaceAll('{p}', enc(segment));
          const qs = query.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
          const sent: [string, string][] = [['Origin', 'http://app.test'], ...headers];
          if (authorized) sent.push(['Authorization', `Bearer ${token}`]);
          const reply = await send(booted.stack.url, method, qs ? `${path}?${qs}` : path, sent);
          expect(reply.status, `${method} ${path}?${qs} ${JSON.stringify(headers)}`).toBeLessThan(500);
          if (reply.status >= 400 && !path.startsWith('/console')) {
            expect(reply.headers['access-control-allow-origin'], `${method} ${path}`).toBe('http://app.test');
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the local S3 never answers 5xx to such names either (signed or not)', async () => {
    const api = { url: booted.stack.url, token };
    const image = Buffer.from('not really a png');
    const { createHash } = await import('node:crypto');
    const reg = await fetch(`${api.url}/receiver`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        image_hash: createHash('sha256').update(image).digest('hex'),
        content_type: 'image/png',
        post_id: 1,
        user_id: 456,
        picture_id: 1,
        post: { trip_id: null, location_id: null, content: '' },
      }),
    }).then((r) => r.json() as Promise<{ upload_url: string }>);
    const presigned = new URL(reg.upload_url);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'PUT', 'HEAD', 'DELETE', 'POST'),
        fc.array(fc.tuple(nameArb, valueArb), { maxLength: 4 }),
        fc.array(fc.tuple(nameArb, valueArb), { maxLength: 3 }),
        fc.boolean(),
        fc.constantFrom('x-amz-trailer', 'x-amz-content-sha256', 'content-encoding', 'x-amz-copy-source'),
        nameArb,
        async (method, headers, query, signed, amzHeader, amzValue) => {
          const base = signed ? `${presigned.pathname}${presigned.search}` : `${presigned.pathname}?`;
          const qs = query.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
          const path = `${base}${base.endsWith('?') ? '' : '&'}${qs}`;
          const reply = await send(booted.stack.s3Endpoint, method, path, [...headers, [amzHeader, amzValue]]);
          expect(reply.status, `${method} ${path} ${JSON.stringify(headers)}`).toBeLessThan(500);
        },
      ),
      { numRuns: 200 },
    );
  });
});
