import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LOCAL_SECRET, mintToken } from '../../src/local/token.js';
import { sha256, solidPng } from '../helpers/images.js';
import { Api, bootStack, registerBody, type Booted } from '../helpers/stack-harness.js';

const ORIGIN = 'https://app.travellog.example';
const photo = solidPng([10, 200, 30]);

describe('the HTTP contract of docs/api.md (status codes, errors, auth, CORS)', () => {
  let booted: Booted;
  let user: Api;
  let fileName: string;

  beforeAll(async () => {
    booted = await bootStack({ env: { ALLOWED_ORIGINS: ORIGIN } });
    user = await Api.as(booted.stack.url, '456');
    fileName = (await user.upload(photo, { user_id: 456 })).file_name;
    await user.waitFor(fileName, ['approved']);
  });
  afterAll(() => booted?.stack.stop());

  const expectError = (res: { status: number; body: unknown }, status: number, code?: string) => {
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ error: code ?? expect.any(String), message: expect.any(String) });
  };

  describe('authorizer', () => {
    it('401 JSON with CORS when the header is missing, garbled, expired or signed with another secret', async () => {
      const wrongSecret = await new SignJWT({ user_id: 456 })
        .setProtectedHeader({ alg: 'HS256' })
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode('another-secret-of-enough-length'));
      const expired = await new SignJWT({ user_id: 456 })
        .setProtectedHeader({ alg: 'HS256' })
        .setExpirationTime(Math.floor(Date.now() / 1000) - 120)
        .sign(new TextEncoder().encode(DEFAULT_LOCAL_SECRET));
      const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"user_id":456}').toString('base64url')}.`;
      for (const headers of [
        {},
        { Authorization: 'Bearer' },
        { Authorization: 'Bearer not.a.jwt' },
        { Authorization: `Bearer ${wrongSecret}` },
        { Authorization: `Bearer ${expired}` },
        { Authorization: `Bearer ${unsigned}` },
        { Authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
      ]) {
        const res = await new Api(booted.stack.url, undefined).call("GET", "/scan", { headers: { ...(headers as Record<string, string>), Origin: ORIGIN } });
        expectError(res, 401, 'unauthorized');
        expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      }
    });

    it('one cached authorization serves every route of the API', async () => {
      const token = await mintToken('cache-user');
      const api = new Api(booted.stack.url, token);
      expect((await api.scan()).status).toBe(200);
      expect((await api.call('GET', `/obtain/cache-user-${'a'.repeat(64)}.png`)).status).toBe(404);
      expect((await api.call('POST', '/receiver', { body: registerBody(photo, { user_id: 'cache-user' }) })).status).toBe(201);
    });
  });

  describe('POST /receiver', () => {
    it('201 then 200, and 400/403/413/415 for bad input', async () => {
      const fresh = solidPng([1, 2, 3]);
      expect((await user.register(fresh, { user_id: 456 })).status).toBe(201);
      expect((await user.register(fresh, { user_id: '456' })).status).toBe(200);
      const upper = await user.call('POST', '/receiver', { body: { ...registerBody(fresh, { user_id: 456 }), image_hash: sha256(fresh).toUpperCase() } });
      expect(upper.status).toBe(200);
      expect((upper.body as { file_name: string }).file_name).toBe(`456-${sha256(fresh)}.png`);

      expectError(await user.call('POST', '/receiver', { body: '{"image_hash":' }), 400, 'invalid_json');
      expectError(await user.call('POST', '/receiver', { body: '' }), 400);
      expectError(await user.call('POST', '/receiver', { body: [] }), 400, 'validation_error');
      expectError(await user.call('POST', '/receiver', { body: { ...registerBody(fresh, { user_id: 456 }), image_hash: 'abc' } }), 400, 'validation_error');
      expectError(await user.call('POST', '/receiver', { body: { ...registerBody(fresh, { user_id: 456 }), post_id: -1 } }), 400, 'validation_error');
      expectError(await user.call('POST', '/receiver', { body: { ...registerBody(fresh, { user_id: 456 }), extra: 1 } }), 400, 'validation_error');
      expectError(await user.register(fresh, { user_id: 457 }), 403, 'forbidden');
      expectError(await user.register(fresh, { user_id: 456 }, 'image/gif'), 415, 'unsupported_media_type');
      const huge = { ...registerBody(fresh, { user_id: 456 }), post: { trip_id: 1, location_id: 1, content: 'x'.repeat(70_000) } };
      expectError(await user.call('POST', '/receiver', { body: huge }), 413, 'payload_too_large');
    });
  });

  describe('GET /obtain/{file_name}', () => {
    it('302 for the owner, 404 for the owner’s missing image, 401 for anyone else, 400 unparseable', async () => {
      expect((await user.call('GET', `/obtain/${fileName}`)).status).toBe(302);
      expectError(await user.call('GET', `/obtain/456-${'b'.repeat(64)}.jpg`), 404, 'not_found');
      const stranger = await Api.as(booted.stack.url, '45');
      expectError(await stranger.call('GET', `/obtain/${fileName}`), 401, 'unauthorized');
      expectError(await stranger.call('GET', `/obtain/456-${'b'.repeat(64)}.jpg`), 401, 'unauthorized');
      expectError(await user.call('GET', '/obtain/not-a-file-name.jpg'), 400, 'invalid_file_name');
      expectError(await user.call('GET', `/obtain/456-${'b'.repeat(64)}.gif`), 400, 'invalid_file_name');
    });
  });

  describe('GET /scan', () => {
    it('400 for two groupings, unknown parameters and malformed filters; only the token user’s images', async () => {
      expectError(await user.scan('post_id=1&trip_id=2'), 400, 'bad_request');
      expectError(await user.scan('user_id=457'), 400, 'unknown_parameter');
      expectError(await user.scan('post_id=abc'), 400, 'bad_request');
      for (const bad of ['beach', 'beach>=80', 'beach>101', '>80', 'beach>abc']) {
        expectError(await user.scan(`label=${encodeURIComponent(bad)}`), 400, 'invalid_filter');
      }
      const other = await Api.as(booted.stack.url, '4567');
      expect((await other.scan()).body).toMatchObject({ grouping_id: '4567', total_count: 0, images: [] });
      expect((await user.scan()).body.images).toContain(fileName);
    });
  });

  describe('GET/DELETE /images/{file_name}', () => {
    it('answers like obtain: 401 for another user, 404 unknown, 400 unparseable', async () => {
      const stranger = await Api.as(booted.stack.url, '45');
      expectError(await stranger.image(fileName), 401, 'unauthorized');
      expectError(await stranger.call('DELETE', `/images/${fileName}`), 401, 'unauthorized');
      expectError(await user.image(`456-${'c'.repeat(64)}.png`), 404, 'not_found');
      expectError(await user.image('nope'), 400, 'invalid_file_name');
      expect((await user.image(fileName)).body).toMatchObject({ file_name: fileName, status: 'approved', post_id: 1 });
    });
  });

  describe('CORS', () => {
    it('answers preflight for allowed origins only and echoes them on responses', async () => {
      const pre = await fetch(`${booted.stack.url}/scan`, {
        method: 'OPTIONS',
        headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
      });
      expect(pre.status).toBeLessThan(300);
      expect(pre.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      const evil = await fetch(`${booted.stack.url}/scan`, { method: 'OPTIONS', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' } });
      expect(evil.headers.get('access-control-allow-origin')).toBeNull();

      const ok = await user.scan();
      expect(ok.headers.get('access-control-allow-origin')).toBeNull(); // no Origin sent
      const withOrigin = await user.call('GET', '/scan', { headers: { Origin: ORIGIN } });
      expect(withOrigin.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      const forbidden = await user.call('GET', '/scan?x=1', { headers: { Origin: 'https://evil.example' } });
      expect(forbidden.status).toBe(400);
      expect(forbidden.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  it('unknown routes are a JSON 404, never a 5xx', async () => {
    expectError(await user.call('GET', '/nope'), 404);
    expectError(await user.call('PUT', '/receiver'), 404);
  });
});
