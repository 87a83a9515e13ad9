import '../helpers/quiet-powertools.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReceiverConfig, type Env } from '../../src/config.js';
import { httpFunction } from '../../src/handlers/http.js';
import { createReceiverHandler, receiverRoute } from '../../src/handlers/receiver.js';
import { startTestDynamo, type TestDynamo } from '../helpers/dynalite-table.js';
import { MemoryObjectStore } from '../helpers/port-fakes.js';
import { hashOf, imageKeyOf } from '../helpers/record-builders.js';
import { apiEvent, bodyOf, mergeHeaders } from '../helpers/lambda-events.js';

const ORIGIN = 'https://app.travellog.example';
const BUCKET = 'travellog-images-test';

let db: TestDynamo;
let env: Env;
let handler: ReturnType<typeof createReceiverHandler>;
beforeAll(async () => {
  db = await startTestDynamo('receiver');
  env = {
    ...db.env,
    IMAGES_BUCKET_NAME: BUCKET,
    // Presigning is local computation: no S3 is contacted.
    AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9',
    S3_FORCE_PATH_STYLE: 'true',
    ALLOWED_ORIGINS: `${ORIGIN}, https://admin.travellog.example`,
  };
  handler = createReceiverHandler(env);
});
afterAll(async () => {
  await db?.close();
});

const body = (o: Record<string, unknown> = {}) => ({
  image_hash: hashOf('receiver-default'),
  content_type: 'image/jpeg',
  post_id: 123,
  user_id: 456,
  picture_id: 789,
  post: { trip_id: 3, location_id: 5, content: 'Día increíble en el desierto' },
  ...o,
});

const post = (payload: string | Record<string, unknown> | null, o: { userId?: string | null; headers?: Record<string, string>; base64?: boolean } = {}) => {
  const text = payload === null ? null : typeof payload === 'string' ? payload : JSON.stringify(payload);
  return handler(
    apiEvent({
      method: 'POST',
      resource: '/receiver',
      headers: mergeHeaders({ 'Content-Type': 'application/json', Origin: ORIGIN }, o.headers ?? {}),
      body: o.base64 && text !== null ? Buffer.from(text).toString('base64') : text,
      isBase64Encoded: o.base64 ?? false,
      userId: o.userId,
    }),
  );
};

const expectError = (r: { statusCode: number; body: string; headers?: Record<string, unknown> }, status: number, code: string) => {
  expect(r.statusCode, r.body).toBe(status);
  const b = bodyOf(r);
  expect(Object.keys(b).sort()).toEqual(['error', 'message']);
  expect(b.error).toBe(code);
  expect(b.message).toEqual(expect.any(String));
  expect((b.message as string).length).toBeGreaterThan(0);
  expect(r.headers?.['Content-Type']).toBe('application/json');
  expect(r.headers?.['Cache-Control']).toBe('no-store');
  expect(r.headers?.['Access-Control-Allow-Origin']).toBe(ORIGIN);
  return b;
};

describe('POST /receiver', () => {
  it('byte_size: the upload URL signs Content-Length, so S3 refuses a body of another size', async () => {
    const imageHash = hashOf('receiver-sized');
    const r = await post(body({ image_hash: imageHash, byte_size: 1234567 }));
    expect(r.statusCode, r.body).toBe(201);
    const b = bodyOf(r);
    expect(b.upload_headers).toMatchObject({ 'Content-Length': '1234567', 'Content-Type': 'image/jpeg' });
    const signed = (new URL(b.upload_url as string).searchParams.get('X-Amz-SignedHeaders') ?? '').split(';');
    expect(signed).toEqual(expect.arrayContaining(['content-length', 'content-type', 'x-amz-checksum-sha256']));
  });

  it('413 image_too_large when byte_size exceeds the 50 MB maximum, before anything is stored', async () => {
    const imageHash = hashOf('receiver-too-big');
    const b = expectError(await post(body({ image_hash: imageHash, byte_size: 50 * 1024 * 1024 + 1 })), 413, 'image_too_large');
    expect(b.message).toMatch(/50 MB/);
    expect(await db.store.get(imageKeyOf(imageHash), '456', Date.now())).toBeUndefined();
    expect((await post(body({ image_hash: hashOf('receiver-max'), byte_size: 50 * 1024 * 1024 }))).statusCode).toBe(201);
    expectError(await post(body({ image_hash: hashOf('receiver-zero'), byte_size: 0 })), 400, 'validation_error');
  });

  it('201: registers the image and returns a checksum-bound upload URL', async () => {
    const imageHash = hashOf('receiver-201');
    const r = await post(body({ image_hash: imageHash }));
    expect(r.statusCode, r.body).toBe(201);
    expect(r.headers).toMatchObject({
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
      'Access-Control-Allow-Origin': ORIGIN,
    });
    const b = bodyOf(r);
    expect(Object.keys(b).sort()).toEqual(['expires_in', 'file_name', 'upload_headers', 'upload_url']);
    expect(b.file_name).toBe(`456-${imageHash}.jpg`);
    expect(b.expires_in).toBe(60);
    expect(b.upload_headers).toEqual({
      'Content-Type': 'image/jpeg',
      'x-amz-checksum-sha256': Buffer.from(imageHash, 'hex').toString('base64'),
    });
    const url = new URL(b.upload_url as string);
    expect(url.pathname).toBe(`/${BUCKET}/456-${imageHash}.jpg`);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
    const signed = (url.searchParams.get('X-Amz-SignedHeaders') ?? '').split(';');
    expect(signed).toEqual(expect.arrayContaining(['content-type', 'x-amz-checksum-sha256', 'host']));
    // The checksum is a header the client must send, not a query parameter anyone could drop.
    expect(url.searchParams.has('x-amz-checksum-sha256')).toBe(false);

    const record = await db.store.get(imageKeyOf(imageHash), '456', Date.now());
    expect(record).toMatchObject({
      status: 'waiting',
      file_name: `456-${imageHash}.jpg`,
      rekognition_results: [],
      post_id: 123,
      picture_id: 789,
      trip_id: 3,
      location_id: 5,
      content: 'Día increíble en el desierto',
    });
    const expiresIn = record!.expires_at! - Date.now() / 1000;
    expect(expiresIn).toBeGreaterThan(24 * 3600 - 60);
    expect(expiresIn).toBeLessThanOrEqual(24 * 3600 + 1);
  });

  it('200 when the same user re-registers the same image', async () => {
    const imageHash = hashOf('receiver-200');
    expect((await post(body({ image_hash: imageHash }))).statusCode).toBe(201);
    const again = await post(body({ image_hash: imageHash, post_id: 124 }));
    expect(again.statusCode, again.body).toBe(200);
    expect(bodyOf(again).file_name).toBe(`456-${imageHash}.jpg`);
    // Another user registering the same image gets their own record: 201.
    const other = await post(body({ image_hash: imageHash, user_id: 'traveller-9' }), { userId: 'traveller-9' });
    expect(other.statusCode, other.body).toBe(201);
    expect(bodyOf(other).file_name).toBe(`traveller-9-${imageHash}.jpg`);
  });

  it('accepts an upper-case hash and stores it lower case; image/png → .png', async () => {
    const imageHash = hashOf('receiver-upper');
    const r = await post(body({ image_hash: imageHash.toUpperCase(), content_type: 'image/png' }));
    expect(r.statusCode, r.body).toBe(201);
    expect(bodyOf(r).file_name).toBe(`456-${imageHash}.png`);
    expect((await db.store.get(imageKeyOf(imageHash, 'png'), '456', Date.now()))?.image_hash).toBe(imageHash);
  });

  it('accepts a base64-encoded body (binary media types)', async () => {
    const imageHash = hashOf('receiver-base64');
    const r = await post(body({ image_hash: imageHash }), { base64: true });
    expect(r.statusCode, r.body).toBe(201);
    expect(bodyOf(r).file_name).toBe(`456-${imageHash}.jpg`);
  });

  it('accepts a post without trip/location (null) and a string user id', async () => {
    const r = await post(body({ image_hash: hashOf('receiver-nulls'), user_id: 'abc_DEF-1', post: { trip_id: null, location_id: null, content: '' } }), {
      userId: 'abc_DEF-1',
    });
    expect(r.statusCode, r.body).toBe(201);
  });

  it('400 invalid_json for a body that is not JSON', async () => {
    expectError(await post('{"image_hash": '), 400, 'invalid_json');
    expectError(await post('not json at all'), 400, 'invalid_json');
  });

  it('400 for a missing body', async () => {
    expectError(await post(null), 400, 'validation_error');
    expectError(await post(''), 400, 'validation_error');
  });

  it.each([
    ['an array', [1, 2]],
    ['a number', 42],
    ['null', null],
    ['a missing post_id', { ...body(), post_id: undefined }],
    ['a missing post', { ...body(), post: undefined }],
    ['a zero post_id', body({ post_id: 0 })],
    ['a fractional picture_id', body({ picture_id: 1.5 })],
    ['a string post_id', body({ post_id: '123' })],
    ['an unknown field', body({ extra: true })],
    ['an unknown post field', body({ post: { trip_id: 1, location_id: 1, content: '', likes: 3 } })],
    ['content over 10,000 chars', body({ post: { trip_id: null, location_id: null, content: 'x'.repeat(10_001) } })],
    ['a negative trip_id', body({ post: { trip_id: -1, location_id: null, content: '' } })],
  ])('400 validation_error for %s', async (_, payload) => {
    expectError(await post(JSON.stringify(payload)), 400, 'validation_error');
  });

  it.each([
    ['too short', 'ab'.repeat(31)],
    ['too long', 'ab'.repeat(33)],
    ['not hex', 'zz'.repeat(32)],
    ['a number', 12345],
  ])('400 for a hash %s', async (_, image_hash) => {
    const b = expectError(await post(body({ image_hash })), 400, 'validation_error');
    expect(b.message).toMatch(/image_hash/);
  });

  it('403 when user_id is not the token user', async () => {
    expectError(await post(body({ image_hash: hashOf('receiver-403'), user_id: 457 })), 403, 'forbidden');
    // "45" is not "456" either way round.
    expectError(await post(body({ image_hash: hashOf('receiver-403'), user_id: 45 })), 403, 'forbidden');
    expect(await db.store.get(imageKeyOf(hashOf('receiver-403')), '457', Date.now())).toBeUndefined();
  });

  it('401 without the authorizer context', async () => {
    expectError(await post(body(), { userId: null }), 401, 'unauthorized');
  });

  it('413 for a body over 64 KB, 201 just under', async () => {
    const big = JSON.stringify(body({ post: { trip_id: null, location_id: null, content: 'x'.repeat(70_000) } }));
    expectError(await post(big), 413, 'payload_too_large');
    const base = JSON.stringify(body({ image_hash: hashOf('receiver-64k') }));
    const padded = base.slice(0, -1) + ' '.repeat(64 * 1024 - Buffer.byteLength(base)) + '}';
    expect(Buffer.byteLength(padded)).toBe(64 * 1024);
    expect((await post(padded)).statusCode).toBe(201);
    expectError(await post(padded + ' '), 413, 'payload_too_large');
  });

  it('415 for image/gif, naming the accepted types', async () => {
    const b = expectError(await post(body({ image_hash: hashOf('receiver-gif'), content_type: 'image/gif' })), 415, 'unsupported_media_type');
    expect(b.message).toContain('image/jpeg');
    expect(b.message).toContain('image/png');
  });

  it('CORS: echoes only an allowed Origin', async () => {
    const allowed = await post(body({ image_hash: hashOf('cors-1') }), { headers: { Origin: 'https://admin.travellog.example' } });
    expect(allowed.headers?.['Access-Control-Allow-Origin']).toBe('https://admin.travellog.example');
    const foreign = await post(body({ image_hash: hashOf('cors-2') }), { headers: { Origin: 'https://evil.example' } });
    expect(foreign.statusCode).toBe(201);
    expect(foreign.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
    const lower = await post('{', { headers: { origin: ORIGIN } });
    expect(lower.statusCode).toBe(400);
    expect(lower.headers?.['Access-Control-Allow-Origin']).toBe(ORIGIN);
  });

  it('never answers 5xx, whatever the body', async () => {
    const route = httpFunction('receiver', { ...env }, ReceiverConfig, (c) =>
      receiverRoute({ records: db.store, objects: new MemoryObjectStore(BUCKET), writeExpiration: c.SIGNED_URL_WRITE_EXPIRATION, waitingTtlSeconds: 60 }),
    );
    const payload = fc.oneof(
      fc.string(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc
        .record({
          image_hash: fc.oneof(fc.string(), fc.stringMatching(/^[0-9a-fA-F]{64}$/)),
          content_type: fc.oneof(fc.constantFrom('image/jpeg', 'image/png', 'image/gif', 'IMAGE/JPEG; charset=x'), fc.string()),
          post_id: fc.oneof(fc.integer(), fc.double(), fc.string()),
          user_id: fc.oneof(fc.constant(456), fc.constant('456'), fc.integer(), fc.string()),
          picture_id: fc.oneof(fc.nat(), fc.jsonValue()),
          post: fc.jsonValue(),
        }, { requiredKeys: [] })
        .map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(payload, fc.boolean(), async (text, base64) => {
        const r = await route(
          apiEvent({ method: 'POST', resource: '/receiver', body: base64 ? Buffer.from(text).toString('base64') : text, isBase64Encoded: base64 }),
        );
        expect(r.statusCode).toBeLessThan(500);
        expect(r.headers?.['Cache-Control']).toBe('no-store');
        if (r.statusCode >= 400) expect(Object.keys(bodyOf(r)).sort()).toEqual(['error', 'message']);
      }),
      { numRuns: 150 },
    );
  });
});

describe('receiver configuration', () => {
  it('refuses a waiting-record TTL shorter than the upload URL lifetime (a late upload would lose its posts)', async () => {
    const handler = createReceiverHandler({ IMAGES_BUCKET_NAME: 'b', IMAGES_TABLE_NAME: 't', SIGNED_URL_WRITE_EXPIRATION: '600', WAITING_RECORD_TTL_SECONDS: '300' });
    const res = await handler(apiEvent({ method: 'POST', resource: '/receiver', body: '{}', userId: '456' }));
    expect(res.statusCode).toBe(500); // a deployment error, surfaced at cold start and logged
    expect(JSON.parse(res.body)).toEqual({ error: 'internal_error', message: 'Internal server error.' });
  });
});
