import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalLabelDetector } from '../../src/adapters/local-label-detector/index.js';
import { BUCKET, s3Env, sdkClient, startHarness, type Harness } from '../helpers/local-s3.js';

/**
 * The stack's main thread only routes: the worker reads the object (its own S3 client) and decodes
 * it (sharp). Run in a file of its own, so nothing else has loaded sharp into this thread: this file
 * imports neither sharp nor a module that does (vitest's forks pool gives each file a new process).
 */
const astronaut = readFileSync(new URL('../fixtures/photos/astronaut.jpg', import.meta.url));

/** Modules this thread has loaded from sharp's package or its native binding (@img/sharp-<platform>). */
const sharpModulesHere = () => Object.keys(createRequire(import.meta.url).cache).filter((path) => /[/\\](sharp|@img[/\\]sharp-[^/\\]+)[/\\]/.test(path));

describe('local label detector: the main thread neither reads nor decodes', () => {
  let s3: Harness;
  let detector: LocalLabelDetector;
  let mainThreadSends: ReturnType<typeof vi.spyOn>;

  beforeAll(async () => {
    const credentials = { accessKeyId: `TEST${randomBytes(8).toString('hex').toUpperCase()}`, secretAccessKey: randomBytes(30).toString('base64url') };
    s3 = await startHarness({ credentials });
    const uploader = sdkClient(s3.s3.endpoint, credentials);
    await uploader.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'astronaut.jpg', Body: astronaut }));
    uploader.destroy();
    // From here on, any S3 request made through this thread's SDK fails the image (and is counted).
    mainThreadSends = vi.spyOn(S3Client.prototype, 'send').mockImplementation(() => {
      throw new Error('the main thread sent an S3 request');
    });
    detector = LocalLabelDetector.start(s3Env(s3.s3.endpoint, credentials));
  });
  afterAll(async () => {
    mainThreadSends?.mockRestore();
    await detector?.close();
    await s3?.stop();
  });

  it('labels an S3 object that only the worker’s own client reads', async () => {
    const labels = await detector.detect({ bucket: BUCKET, key: 'astronaut.jpg', imageHash: '0'.repeat(64) }, 50);
    expect(labels.map((l) => l.name)).toContain('Person');
    expect(mainThreadSends).not.toHaveBeenCalled();
  });

  it('has not loaded sharp into the main thread (the worker has: it decoded the photo)', async () => {
    expect((await detector.ready()).threadId).not.toBe((await import('node:worker_threads')).threadId);
    expect(sharpModulesHere()).toEqual([]);
    // The probe itself sees sharp once this thread loads it: the empty list above is not blindness.
    await import('sharp');
    expect(sharpModulesHere().length).toBeGreaterThan(0);
  });
});
