import '../helpers/quiet-powertools.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ImagesConfig, type Env } from '../../src/config.js';
import { httpFunction } from '../../src/handlers/http.js';
import { createImagesHandler, imagesRoute } from '../../src/handlers/images.js';
import { startTestDynamo, type TestDynamo } from '../helpers/dynalite-table.js';
import { label, MemoryObjectStore } from '../helpers/port-fakes.js';
import { fileNameOf, hashOf, imageKeyOf, registration } from '../helpers/record-builders.js';
import { apiEvent, bodyOf } from '../helpers/lambda-events.js';

const ORIGIN = 'https://app.travellog.example';
const BUCKET = 'travellog-images-test';
let db: TestDynamo;
let env: Env;
let objects: MemoryObjectStore;
let realHandler: ReturnType<typeof createImagesHandler>;
let fakeS3Handler: ReturnType<typeof createImagesHandler>;

beforeAll(async () => {
  db = await startTestDynamo('images');
  env = { ...db.env, IMAGES_BUCKET_NAME: BUCKET, ALLOWED_ORIGINS: ORIGIN, AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9', S3_FORCE_PATH_STYLE: 'true' };
  // GET never reaches S3: the real function, as deployed.
  realHandler = createImagesHandler(env);
});
afterAll(async () => {
  await db?.close();
});
beforeEach(() => {
  objects = new MemoryObjectStore(BUCKET);
  fakeS3Handler = httpFunction('images', env, ImagesConfig, () => imagesRoute({ records: db.store, labelIndex: db.labelIndex, objects }));
});

const call = (method: 'GET' | 'DELETE', fileName: string, userId?: string | null, handler = realHandler) =>
  handler(
    apiEvent({ method, resource: '/images/{file_name}', pathParameters: { file_name: fileName }, headers: { Origin: ORIGIN }, userId }),
  );

const expectError = (r: { statusCode: number; body: string; headers?: Record<string, unknown> }, status: number, code: string) => {
  expect(r.statusCode, r.body).toBe(status);
  expect(bodyOf(r)).toEqual({ error: code, message: expect.any(String) });
  expect(r.headers?.['Access-Control-Allow-Origin']).toBe(ORIGIN);
  expect(r.headers?.['Cache-Control']).toBe('no-store');
};

const analysed = async (userId: string, seed: string) => {
  const imageHash = hashOf(seed);
  const now = Date.now();
  await db.store.register(registration({ userId, imageHash, post_id: 1, picture_id: 11, trip_id: 3, location_id: 5, content: 'first' }), now, 3600);
  await db.store.register(registration({ userId, imageHash, post_id: 2, picture_id: 22, trip_id: null, location_id: null, content: 'second' }), now, 3600);
  await db.store.markUploaded({ userId, imageHash, extension: 'jpg' }, 4096, now);
  await db.store.applyAnalysis(
    imageKeyOf(imageHash),
    userId,
    { status: 'approved', labels: [label('Beach', 97.12, ['Nature'])], censoredConfidence: null, source: 'detected' },
    now,
  );
  await db.labelIndex.put(imageKeyOf(imageHash), userId, [label('Beach', 97.12, ['Nature'])]); // the analyzer's label-index step
  return { imageHash, fileName: fileNameOf(userId, imageHash) };
};

describe('GET /images/{file_name}', () => {
  it("200: the owner's record with status, labels, metadata and posts", async () => {
    const { imageHash, fileName } = await analysed('456', 'images-get');
    const r = await call('GET', fileName);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers).toMatchObject({ 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Access-Control-Allow-Origin': ORIGIN });
    const b = bodyOf(r);
    expect(b).toMatchObject({
      file_name: fileName,
      image_hash: imageHash,
      content_type: 'image/jpeg',
      status: 'approved',
      rekognition_results: [{ name: 'Beach', confidence: 97.12, parents: ['Nature'] }],
      analysis_source: 'detected',
      failure_reason: null,
      object_size: 4096,
      expires_at: null,
    });
    expect((b.posts as { post_id: number }[]).map((p) => p.post_id).sort()).toEqual([1, 2]);
    expect(b.posts).toContainEqual({ post_id: 1, picture_id: 11, trip_id: 3, location_id: 5, content: 'first' });
    expect(typeof b.uploaded_at).toBe('string');
    expect(typeof b.analysed_at).toBe('string');
  });

  it('a waiting record says when it expires', async () => {
    const imageHash = hashOf('images-waiting');
    const now = Date.now();
    await db.store.register(registration({ userId: '456', imageHash }), now, 3600);
    const b = bodyOf(await call('GET', fileNameOf('456', imageHash)));
    expect(b.status).toBe('waiting');
    expect(new Date(b.expires_at as string).getTime()).toBe((Math.floor(now / 1000) + 3600) * 1000);
  });

  it("401 for another user's image, whether or not it exists", async () => {
    const { fileName } = await analysed('789', 'images-other');
    expectError(await call('GET', fileName, '456'), 401, 'unauthorized');
    expectError(await call('GET', fileNameOf('789', hashOf('never-registered')), '456'), 401, 'unauthorized');
    expectError(await call('GET', fileName, '78'), 401, 'unauthorized');
  });

  it('404 for an unknown image of your own', async () => {
    expectError(await call('GET', fileNameOf('456', hashOf('images-unknown'))), 404, 'not_found');
  });

  it('400 for an unparseable name', async () => {
    expectError(await call('GET', 'photo.jpg'), 400, 'invalid_file_name');
    expectError(await call('GET', `456-${hashOf('x')}.jpeg`), 400, 'invalid_file_name');
  });

  it('401 without the authorizer context', async () => {
    expectError(await call('GET', fileNameOf('456', hashOf('x')), null), 401, 'unauthorized');
  });
});

describe('DELETE /images/{file_name}', () => {
  it('204: removes the object and the record; idempotent; analysis of the image kept for reuse', async () => {
    const { imageHash, fileName } = await analysed('456', 'images-delete');
    await db.store.claimAnalysis(imageKeyOf(imageHash), 'c', Date.now(), 60);
    await db.store.completeAnalysis(imageKeyOf(imageHash), 'c', [label('Beach', 97.12)], Date.now());
    objects.objects.add(fileName);

    const r = await call('DELETE', fileName, '456', fakeS3Handler);
    expect(r.statusCode, r.body).toBe(204);
    expect(r.body).toBe('');
    expect(r.headers?.['Content-Type']).toBeUndefined();
    expect(r.headers?.['Access-Control-Allow-Origin']).toBe(ORIGIN);
    expect(objects.objects.has(fileName)).toBe(false);
    // Its last user: the shared variants go too, and the analysis forgets them (a new upload remakes them).
    expect(objects.calls.delete).toEqual([fileName, `variants/${imageKeyOf(imageHash)}/thumb.jpg`, `variants/${imageKeyOf(imageHash)}/preview.jpg`]);

    expectError(await call('GET', fileName), 404, 'not_found');
    expect(await db.store.placements(imageKeyOf(imageHash), '456', Date.now())).toEqual([]);
    expect((await db.store.getAnalysis(imageKeyOf(imageHash)))?.state).toBe('done');

    const again = await call('DELETE', fileName, '456', fakeS3Handler);
    expect(again.statusCode).toBe(204);
  });

  it('204 for a name that was never registered (idempotent)', async () => {
    expect((await call('DELETE', fileNameOf('456', hashOf('never')), '456', fakeS3Handler)).statusCode).toBe(204);
  });

  it("401 for another user's image, which stays untouched", async () => {
    const { imageHash, fileName } = await analysed('789', 'images-delete-other');
    objects.objects.add(fileName);
    expectError(await call('DELETE', fileName, '456', fakeS3Handler), 401, 'unauthorized');
    expect(objects.calls.delete).toEqual([]);
    expect(objects.objects.has(fileName)).toBe(true);
    expect(await db.store.get(imageKeyOf(imageHash), '789', Date.now())).toMatchObject({ status: 'approved' });
  });

  it("deleting one user's copy keeps another user's copy of the same image, and its label index items", async () => {
    const mine = await analysed('456', 'images-shared');
    const theirs = await analysed('789', 'images-shared');
    expect((await call('DELETE', mine.fileName, '456', fakeS3Handler)).statusCode).toBe(204);
    expect((await call('GET', theirs.fileName, '789')).statusCode).toBe(200);
    // The shared variants stay while another user has the image.
    expect(objects.calls.delete).toEqual([mine.fileName]);
    // The deleted copy's index items are gone (remove finds none left), the other user's stay.
    expect(await db.labelIndex.remove(imageKeyOf(mine.imageHash), '456')).toBe(0);
    expect(await db.labelIndex.put(imageKeyOf(theirs.imageHash), '789', [label('Beach', 97.12)])).toEqual({ written: 0, removed: 0 });
  });

  it('400 for an unparseable name', async () => {
    expectError(await call('DELETE', 'nope', '456', fakeS3Handler), 400, 'invalid_file_name');
    expect(objects.calls.delete).toEqual([]);
  });

  it('a failing object delete leaves the record for the retry (500, not 204)', async () => {
    const { imageHash, fileName } = await analysed('456', 'images-delete-fails');
    const failing = httpFunction('images', env, ImagesConfig, () =>
      imagesRoute({
        records: db.store,
        labelIndex: db.labelIndex,
        objects: new (class extends MemoryObjectStore {
          override async delete(): Promise<void> {
            throw new Error('S3 down');
          }
        })(BUCKET),
      }),
    );
    const r = await call('DELETE', fileName, '456', failing);
    expect(r.statusCode).toBe(500);
    expect(bodyOf(r)).toEqual({ error: 'internal_error', message: 'Internal server error.' });
    expect(await db.store.get(imageKeyOf(imageHash), '456', Date.now())).toBeDefined();
  });
});
