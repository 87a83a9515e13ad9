import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../src/local/stack.js';
import { Api } from '../helpers/stack-harness.js';

const astronaut = readFileSync(new URL('../fixtures/photos/astronaut.jpg', import.meta.url));

describe('npm start’s default detector: real labels from real pixels, end to end', () => {
  let stack: Stack;
  let api: Api;

  beforeAll(async () => {
    process.env.POWERTOOLS_METRICS_DISABLED ??= 'true'; // read when the analyzer's Metrics is built
    // The stack as `npm start` wires it: no labelDetector option, so LABEL_DETECTOR=local.
    stack = await startStack({
      port: 0,
      dataDir: await mkdtemp(join(tmpdir(), 'travellog-local-detector-')),
      // Also the local analyzer's time limit: the model's first inference on a loaded 2-core machine can take
      // seconds, and a timed-out first attempt turns 'detected' into 'reused' on the retry.
      visibilityTimeoutSeconds: 10,
      maxReceiveCount: 2,
      ttlSweepIntervalMs: 3_600_000,
    });
    api = await Api.as(stack.url, '456');
  });
  afterAll(() => stack?.stop());

  it('reports the embedded model on /health: warming, then ready', async () => {
    const res = await new Api(stack.url, undefined).call<{ status: string; label_detector: string }>('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(['warming', 'ready']).toContain(res.body.label_detector);
  });

  it('labels an uploaded photo: Person in GET /images, found by /scan?label=person>50', async () => {
    // With a 1 s Lambda timeout, an upload during warm-up times out once and its retry may reuse the
    // timed-out attempt's detection ('reused'): wait for the model, as `detected` is what is checked here.
    await expect
      .poll(async () => (await new Api(stack.url, undefined).call<{ label_detector: string }>('GET', '/health')).body.label_detector, { timeout: 60_000, interval: 250 })
      .toBe('ready');
    const up = await api.upload(astronaut, { user_id: 456, post_id: 31, picture_id: 1 }, 'image/jpeg');
    expect(up.file_name).toMatch(/^456-[0-9a-f]{64}\.jpg$/);

    const view = await api.waitFor(up.file_name, ['approved', 'under_review', 'rejected', 'failed'], 60_000);
    expect(view.status).toBe('approved');
    expect(view.analysis_source).toBe('detected');
    const person = view.rekognition_results.find((l) => l.name === 'Person');
    expect(person).toBeDefined();
    expect(person!.confidence).toBeGreaterThanOrEqual(75); // MIN_CONFIDENCE's default: stored labels only
    expect(person!.parents).toEqual([]);
    for (const l of view.rekognition_results) expect(l.confidence).toBeGreaterThanOrEqual(75);

    const found = await api.scan(`label=${encodeURIComponent('person>50')}`);
    expect(found.status).toBe(200);
    expect(found.body.images).toContain(up.file_name);
    expect((await api.scan(`post_id=31&label=${encodeURIComponent('person<50')}`)).body.images).toEqual([]);
    expect((await api.scan(`post_id=31&label=${encodeURIComponent('dog>50')}`)).body.images).toEqual([]);

    const health = await new Api(stack.url, undefined).call<{ label_detector: string }>('GET', '/health');
    expect(health.body.label_detector).toBe('ready');
  });

  it('fails an upload that is not an image at once, with the invalid_image reason', async () => {
    const junk = Buffer.from('definitely not a JPEG, whatever the content type says');
    const up = await api.upload(junk, { user_id: 456, post_id: 32, picture_id: 1 }, 'image/jpeg');
    const view = await api.waitFor(up.file_name, ['approved', 'under_review', 'rejected', 'failed'], 30_000);
    expect(view.status).toBe('failed');
    expect(view.failure_reason).toBe('invalid_image: The file is not a JPEG or PNG image.');
  });
});
