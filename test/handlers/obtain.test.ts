import '../helpers/quiet-powertools.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { ObtainConfig, type Env } from '../../src/config.js';
import { httpFunction } from '../../src/handlers/http.js';
import { createObtainHandler, obtainRoute } from '../../src/handlers/obtain.js';
import { MemoryObjectStore } from '../helpers/port-fakes.js';
import { fileNameOf, hashOf } from '../helpers/record-builders.js';
import { apiEvent, bodyOf } from '../helpers/lambda-events.js';

const ORIGIN = 'https://app.travellog.example';
const ENV: Env = { IMAGES_BUCKET_NAME: 'travellog-images-test', ALLOWED_ORIGINS: ORIGIN };
const HASH = hashOf('obtain');

let objects: MemoryObjectStore;
let handler: ReturnType<typeof httpFunction>;
beforeEach(() => {
  objects = new MemoryObjectStore();
  handler = httpFunction('obtain', ENV, ObtainConfig, (c) => obtainRoute({ objects, readExpiration: c.SIGNED_URL_READ_EXPIRATION }));
});

const get = (fileName: string, o: { userId?: string | null; headers?: Record<string, string>; query?: [string, string][] } = {}, h = handler) =>
  h(
    apiEvent({
      method: 'GET',
      resource: '/obtain/{file_name}',
      pathParameters: { file_name: fileName },
      headers: { Origin: ORIGIN, ...o.headers },
      userId: o.userId,
      ...(o.query ? { query: o.query } : {}),
    }),
  );

const expectError = (r: { statusCode: number; body: string; headers?: Record<string, unknown> }, status: number, code: string) => {
  expect(r.statusCode, r.body).toBe(status);
  expect(bodyOf(r)).toEqual({ error: code, message: expect.any(String) });
  expect(r.headers?.['Cache-Control']).toBe('no-store');
  expect(r.headers?.['Access-Control-Allow-Origin']).toBe(ORIGIN);
};

describe('GET /obtain/{file_name}', () => {
  it("302 to a short-lived URL for the owner's existing image", async () => {
    const name = fileNameOf('456', HASH);
    objects.objects.add(name);
    const r = await get(name);
    expect(r.statusCode).toBe(302);
    expect(r.headers).toMatchObject({
      Location: `https://test-bucket.s3.example/${name}?X-Amz-Expires=30&op=get`,
      'Cache-Control': 'no-store',
      'Access-Control-Allow-Origin': ORIGIN,
      'Access-Control-Expose-Headers': 'Location',
    });
    expect(r.body).toBe('');
    expect(objects.calls.presignDownload).toEqual([name]);
  });

  it('200 JSON {url, expires_in} with Accept: application/json', async () => {
    const name = fileNameOf('456', HASH, 'png');
    objects.objects.add(name);
    const r = await get(name, { headers: { Accept: 'application/json' } });
    expect(r.statusCode).toBe(200);
    expect(r.headers?.['Content-Type']).toBe('application/json');
    expect(r.headers?.['Cache-Control']).toBe('no-store');
    expect(r.headers?.Location).toBeUndefined();
    expect(bodyOf(r)).toEqual({ url: `https://test-bucket.s3.example/${name}?X-Amz-Expires=30&op=get`, expires_in: 30 });
    // A typical fetch() Accept list that includes JSON, in lower-case header form.
    const r2 = await get(name, { headers: { accept: 'application/json, text/plain, */*' } });
    expect(r2.statusCode).toBe(200);
  });

  it('honours SIGNED_URL_READ_EXPIRATION', async () => {
    const name = fileNameOf('456', HASH);
    objects.objects.add(name);
    const custom = httpFunction('obtain', { ...ENV, SIGNED_URL_READ_EXPIRATION: '120' }, ObtainConfig, (c) =>
      obtainRoute({ objects, readExpiration: c.SIGNED_URL_READ_EXPIRATION }),
    );
    const r = await get(name, { headers: { Accept: 'application/json' } }, custom);
    expect(bodyOf(r).expires_in).toBe(120);
  });

  it("404 for the owner's missing image", async () => {
    expectError(await get(fileNameOf('456', HASH)), 404, 'not_found');
  });

  it("401 for another user's image, whether or not it exists, without looking", async () => {
    const theirs = fileNameOf('789', HASH);
    expectError(await get(theirs), 401, 'unauthorized');
    objects.objects.add(theirs);
    expectError(await get(theirs), 401, 'unauthorized');
    expect(objects.calls.exists).toEqual([]);
    expect(objects.calls.presignDownload).toEqual([]);
  });

  it('"45" never owns "456-…", and "456" never owns "45-6-…"', async () => {
    const name456 = fileNameOf('456', HASH);
    objects.objects.add(name456);
    expectError(await get(name456, { userId: '45' }), 401, 'unauthorized');
    const name45dash6 = fileNameOf('45-6', HASH);
    objects.objects.add(name45dash6);
    expectError(await get(name45dash6, { userId: '45' }), 401, 'unauthorized');
    expect((await get(name45dash6, { userId: '45-6' })).statusCode).toBe(302);
  });

  it.each([
    ['no hash', '456-photo.jpg'],
    ['a gif', `456-${HASH}.gif`],
    ['upper-case hash', `456-${HASH.toUpperCase()}.jpg`],
    ['no user', `-${HASH}.jpg`],
    ['a path', `../456-${HASH}.jpg`],
    ['a short hash', `456-${HASH.slice(1)}.jpg`],
  ])('400 for an unparseable name (%s)', async (_, name) => {
    expectError(await get(name), 400, 'invalid_file_name');
  });

  it('401 without the authorizer context', async () => {
    expectError(await get(fileNameOf('456', HASH), { userId: null }), 401, 'unauthorized');
  });

  it('createObtainHandler(env): ownership and name checks answer before S3 is reached, with CORS', async () => {
    const real = createObtainHandler({
      ...ENV,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'x',
      AWS_SECRET_ACCESS_KEY: 'y',
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9',
      S3_FORCE_PATH_STYLE: 'true',
    });
    expectError(await get(fileNameOf('789', HASH), {}, real), 401, 'unauthorized');
    expectError(await get('garbage', {}, real), 400, 'invalid_file_name');
    const foreign = await get('garbage', { headers: { Origin: 'https://evil.example' } }, real);
    expect(foreign.statusCode).toBe(400);
    expect(foreign.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
    expect(foreign.headers?.Vary).toBe('Origin');
  });

  it('a store failure is a JSON 500, not a crash', async () => {
    const failing = httpFunction('obtain', ENV, ObtainConfig, () =>
      obtainRoute({
        objects: new (class extends MemoryObjectStore {
          override async exists(): Promise<boolean> {
            throw new Error('S3 down');
          }
        })(),
        readExpiration: 30,
      }),
    );
    const r = await get(fileNameOf('456', HASH), {}, failing);
    expect(r.statusCode).toBe(500);
    expect(bodyOf(r)).toEqual({ error: 'internal_error', message: 'Internal server error.' });
  });

  describe('?variant=', () => {
    const name = fileNameOf('456', HASH);
    const imageKey = `${HASH}.jpg`;

    it('302 to the shared thumb or preview of the owner\'s image; original (or none) is the upload', async () => {
      objects.objects.add(name);
      objects.objects.add(`variants/${imageKey}/thumb.jpg`);
      objects.objects.add(`variants/${imageKey}/preview.jpg`);
      for (const [variant, key] of [['thumb', `variants/${imageKey}/thumb.jpg`], ['preview', `variants/${imageKey}/preview.jpg`], ['original', name]] as const) {
        const r = await get(name, { query: [['variant', variant]] });
        expect(r.statusCode).toBe(302);
        expect(r.headers?.Location).toBe(`https://test-bucket.s3.example/${key}?X-Amz-Expires=30&op=get`);
      }
      const json = await get(name, { query: [['variant', 'thumb']], headers: { Accept: 'application/json' } });
      expect(bodyOf(json)).toEqual({ url: `https://test-bucket.s3.example/variants/${imageKey}/thumb.jpg?X-Amz-Expires=30&op=get`, expires_in: 30 });
    });

    it('404 variant_not_ready while the variant is not made; 404 not_found when the original is gone', async () => {
      objects.objects.add(name);
      expectError(await get(name, { query: [['variant', 'preview']] }), 404, 'variant_not_ready');
      objects.objects.delete(name);
      objects.objects.add(`variants/${imageKey}/preview.jpg`); // another user's copy still has it
      expectError(await get(name, { query: [['variant', 'preview']] }), 404, 'not_found');
    });

    it('400 unknown_variant for another name or a repeated parameter, before S3 is asked', async () => {
      objects.objects.add(name);
      for (const query of [[['variant', 'large']], [['variant', 'THUMB']], [['variant', '']], [['variant', 'thumb'], ['variant', 'preview']]] as [string, string][][]) {
        expectError(await get(name, { query }), 400, 'unknown_variant');
      }
      expect(objects.calls.exists).toEqual([]);
    });

    it("401 for another user's variant, whatever the variant", async () => {
      objects.objects.add(name);
      objects.objects.add(`variants/${imageKey}/thumb.jpg`);
      expectError(await get(name, { userId: '789', query: [['variant', 'thumb']] }), 401, 'unauthorized');
    });
  });
});
