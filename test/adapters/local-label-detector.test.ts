import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Label } from '../../src/core/labels.js';
import {
  DetectorBusyError,
  DetectorUnavailableError,
  LocalLabelDetector,
  multiScaleSetting,
  type DetectorState,
} from '../../src/adapters/local-label-detector/index.js';
import { decodeViews } from '../../src/adapters/local-label-detector/image.js';
import { ImageNotAnalysableError, type ImageObject } from '../../src/ports/label-detector.js';
import { BUCKET, s3Env, sdkClient, startHarness, type Harness } from '../helpers/local-s3.js';

const photo = (name: string) => readFileSync(new URL(`../fixtures/photos/${name}.jpg`, import.meta.url));
const astronaut = photo('astronaut');
const coffee = photo('coffee');
const camera = photo('camera');

const MAX_OBJECT_BYTES = 150_000;

/**
 * The worker reads each object itself, with a real SDK client, from the project's local S3 (SigV4
 * verified) with credentials drawn for this file: only the env the detector is given can open it.
 * S3 answers the local S3 does not give (throttling, a body longer than announced, a dropped connection) are in
 * local-label-detector-read.test.ts.
 */
const withObjects = async (objects: Record<string, Uint8Array>): Promise<Harness & { env: Record<string, string> }> => {
  const credentials = { accessKeyId: `TEST${randomBytes(8).toString('hex').toUpperCase()}`, secretAccessKey: randomBytes(30).toString('base64url') };
  const h = await startHarness({ credentials });
  const client = sdkClient(h.s3.endpoint, credentials);
  for (const [key, bytes] of Object.entries(objects)) await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: bytes }));
  client.destroy();
  let stopped: Promise<void> | undefined;
  return { ...h, stop: () => (stopped ??= h.stop()), env: s3Env(h.s3.endpoint, credentials) };
};

const image = (key: string): ImageObject => ({ bucket: BUCKET, key, imageHash: '0'.repeat(64) });
const names = (labels: Label[]) => labels.map((l) => l.name);
const find = (labels: Label[], name: string) => labels.find((l) => l.name === name);

describe('local label detector (model in a worker thread)', () => {
  let s3: Harness;
  let detector: LocalLabelDetector;
  let stateAtStart: DetectorState;
  let early: Promise<Label[]>;

  beforeAll(async () => {
    const corruptPng = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('not really a png')]);
    const harness = await withObjects({
      'astronaut.jpg': astronaut,
      'coffee.jpg': coffee,
      'camera.jpg': camera,
      'notes.jpg': Buffer.from('this is not an image'),
      'corrupt.png': corruptPng,
      'huge.png': Buffer.concat([corruptPng, Buffer.alloc(MAX_OBJECT_BYTES)]),
    });
    s3 = harness;
    // One detector (one model load) for the whole file; its first image arrives while it warms up.
    detector = LocalLabelDetector.start(harness.env, { maxPending: 3, maxObjectBytes: MAX_OBJECT_BYTES });
    stateAtStart = detector.state;
    early = detector.detect(image('astronaut.jpg'), 50);
    early.catch(() => {}); // awaited by the first test
  });
  afterAll(async () => {
    await detector?.close();
    await s3?.stop();
  });

  it('makes an image that arrives during warm-up wait for the model, not fail', async () => {
    expect(stateAtStart).toBe('warming');
    expect(names(await early)).toContain('Person');
    expect(detector.state).toBe('ready');
  });

  it('loads the model once, in a worker thread on the wasm backend', async () => {
    const warm = await detector.ready();
    expect(warm.threadId).not.toBe(threadId);
    expect(warm.backend).toBe('wasm');
    expect(await detector.ready()).toBe(warm);
  });

  it('sees a Person on the astronaut and on the camera, a Cup on the coffee', async () => {
    const [a, c, k] = [await detector.detect(image('astronaut.jpg'), 50), await detector.detect(image('camera.jpg'), 50), await detector.detect(image('coffee.jpg'), 50)];
    expect(find(a, 'Person')?.confidence).toBeGreaterThan(60);
    expect(find(c, 'Person')?.confidence).toBeGreaterThan(60);
    expect(find(k, 'Cup')?.confidence).toBeGreaterThan(55);
    expect(find(a, 'Person')?.parents).toEqual([]);
    expect(find(k, 'Cup')?.parents).toEqual(['Tableware']);
    expect(names(k)).not.toContain('Person');
  });

  it('answers in Rekognition’s shape: Title Case, 0–100, highest first, each ancestor also a label', async () => {
    const labels = await detector.detect(image('camera.jpg'), 0);
    expect(labels.length).toBeGreaterThan(3);
    expect(Object.keys(labels[0]!).sort()).toEqual(['confidence', 'name', 'parents']);
    expect(new Set(names(labels)).size).toBe(labels.length);
    for (const [i, l] of labels.entries()) {
      expect(l.name).toMatch(/^(TV|[A-Z][a-z]+( [A-Z][a-z]+)*)$/);
      expect(l.confidence).toBeGreaterThanOrEqual(0);
      expect(l.confidence).toBeLessThanOrEqual(100);
      if (i > 0) expect(l.confidence).toBeLessThanOrEqual(labels[i - 1]!.confidence);
      for (const p of l.parents) expect(find(labels, p)?.confidence, `${l.name} → ${p}`).toBeGreaterThanOrEqual(l.confidence);
    }
  });

  it('applies MinConfidence like Rekognition: every label at or above it, none below', async () => {
    const all = await detector.detect(image('coffee.jpg'), 0);
    const cup = find(all, 'Cup')!;
    const atCup = await detector.detect(image('coffee.jpg'), cup.confidence);
    expect(names(atCup)).toContain('Cup');
    expect(atCup.every((l) => l.confidence >= cup.confidence)).toBe(true);
    expect(atCup).toEqual(all.filter((l) => l.confidence >= cup.confidence));
    expect(names(await detector.detect(image('coffee.jpg'), cup.confidence + 0.001))).not.toContain('Cup');
    expect(await detector.detect(image('coffee.jpg'), 100)).toEqual([]);
  });

  it('counts instances in analyse() (the stored Label has no field for them)', async () => {
    const { labels, detections } = await detector.analyse(image('camera.jpg'), 0);
    const person = labels.find((l) => l.name === 'Person')!;
    expect(person.instances).toBe(detections.filter((d) => d.classIndex === 0).length);
    expect(person.instances).toBeGreaterThan(1);
    for (const d of detections) {
      for (const v of d.box) expect(v >= 0 && v <= 512, `${v} inside the 512×512 photo`).toBe(true);
    }
  });

  it('analyses bytes already in memory (the bench) and leaves them to the caller, for another run', async () => {
    const bytes = photo('coffee'); // a Buffer, as readFile gives (the bench's case)
    expect(names((await detector.analyseImage(bytes, 50)).labels)).toContain('Cup');
    expect(bytes).toEqual(coffee);
    expect(names((await detector.analyseImage(bytes, 50)).labels)).toContain('Cup');
    await expect(detector.analyseImage(new TextEncoder().encode('not an image'), 50)).rejects.toThrow(/^InvalidImageFormatException/);
  });

  it('refuses what Rekognition refuses, as ImageNotAnalysableError', async () => {
    await expect(detector.detect(image('notes.jpg'), 50)).rejects.toThrow(ImageNotAnalysableError);
    await expect(detector.detect(image('notes.jpg'), 50)).rejects.toThrow(/^InvalidImageFormatException/);
    await expect(detector.detect(image('corrupt.png'), 50)).rejects.toThrow(/^InvalidImageFormatException/);
    await expect(detector.detect(image('huge.png'), 50)).rejects.toThrow(/^ImageTooLargeException/);
    await expect(detector.detect(image('missing.jpg'), 50)).rejects.toThrow(/^InvalidS3ObjectException/);
  });

  it('bounds its queue: one image more than maxPending is refused as retryable, the others keep their own labels', async () => {
    const keys = ['coffee.jpg', 'astronaut.jpg', 'camera.jpg', 'coffee.jpg'];
    const settled = await Promise.allSettled(keys.map((k) => detector.detect(image(k), 50)));
    const refused = settled.filter((s) => s.status === 'rejected');
    expect(refused).toHaveLength(1);
    expect((refused[0] as PromiseRejectedResult).reason).toBeInstanceOf(DetectorBusyError);
    expect((refused[0] as PromiseRejectedResult).reason).not.toBeInstanceOf(ImageNotAnalysableError);
    expect(settled[3]!.status).toBe('rejected'); // the fourth, in arrival order
    const [k, a, c] = settled.slice(0, 3).map((s) => (s as PromiseFulfilledResult<Label[]>).value);
    expect(names(k!)).toContain('Cup');
    expect(names(k!)).not.toContain('Person');
    expect(names(a!)).toContain('Person');
    expect(names(c!)).toContain('Person');
    expect(detector.held).toBe(0);
  });

  it('lets other S3 errors through as retryable (not ImageNotAnalysableError): here S3 is gone', async () => {
    await s3.stop();
    const e = await detector.detect(image('astronaut.jpg'), 50).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).message).toMatch(/ECONNREFUSED/);
    expect(e).not.toBeInstanceOf(ImageNotAnalysableError);
    expect(e).not.toBeInstanceOf(DetectorUnavailableError); // the worker is fine: the next image may be read
    expect(detector.state).toBe('ready');
  });

  it('close() stops the worker; later images are refused as retryable', async () => {
    await detector.close();
    expect(detector.state).toBe('closed');
    await expect(detector.detect(image('astronaut.jpg'), 50)).rejects.toThrow(DetectorUnavailableError);
  });
});

describe('local label detector: closed while warming up', () => {
  it('lets the images waiting for the model fail as retryable instead of hanging', async () => {
    const detector = LocalLabelDetector.start({}); // it never gets to read: no S3 needed
    expect(detector.state).toBe('warming');
    const waiting = detector.detect(image('astronaut.jpg'), 50).catch((e: unknown) => e);
    const warm = detector.ready().catch((e: unknown) => e);
    await detector.close();
    expect(await warm).toBeInstanceOf(DetectorUnavailableError);
    expect(await waiting).toBeInstanceOf(DetectorUnavailableError);
    expect(detector.held).toBe(0);
  });
});

describe('local label detector: a model that cannot load', () => {
  it('is failed, with retryable errors (not the image’s fault), and the next image tries again', async () => {
    const detector = LocalLabelDetector.start({}, { modelDir: '/nonexistent/models' });
    try {
      await expect(detector.ready()).rejects.toThrow(DetectorUnavailableError);
      expect(detector.state).toBe('failed');
      expect(detector.lastError).toMatch(/centernet/);
      const next = detector.detect(image('astronaut.jpg'), 50).catch((x: unknown) => x);
      await vi.waitFor(() => expect(detector.state).toBe('warming'), { timeout: 5_000, interval: 5 }); // a new worker
      const e = await next;
      expect(e).toBeInstanceOf(DetectorUnavailableError);
      expect(e).not.toBeInstanceOf(ImageNotAnalysableError);
      expect(detector.state).toBe('failed');
      expect(detector.held).toBe(0);
    } finally {
      await detector.close();
    }
  });
});

describe('local label detector: decoding for the model', () => {
  const meanAbsDiff = (a: Uint8Array, b: Uint8Array) => a.reduce((s, v, i) => s + Math.abs(v - b[i]!), 0) / a.length;

  const fullFrame = async (bytes: Uint8Array, maxInputPixels = 100_000_000) => (await decodeViews(bytes, maxInputPixels)).views[0]!.pixels;

  it('hands the model 512×512 RGB views: the full frame of a small photo, full frame + 3×3 tiles of a 12 MP one', async () => {
    const big = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: { r: 200, g: 30, b: 30 } } }).jpeg().toBuffer();
    const large = await decodeViews(big, 100_000_000);
    expect(large.views).toHaveLength(10);
    expect([large.width, large.height]).toEqual([2560, 1920]); // shrunk on load to the working size
    expect(large.views[0]!.region).toEqual({ x: 0, y: 0, width: 2560, height: 1920 });
    for (const v of large.views) expect(v.pixels).toHaveLength(512 * 512 * 3);
    expect((await decodeViews(big, 100_000_000, false)).views).toHaveLength(1);
    const grey = await decodeViews(camera, 100_000_000);
    expect(grey.views).toHaveLength(1);
    expect(grey.views[0]!.pixels).toHaveLength(512 * 512 * 3); // grey → RGB
  });

  it('keeps the aspect ratio: a wide photo is letterboxed with black bars, not stretched', async () => {
    const wide = await sharp({ create: { width: 600, height: 300, channels: 3, background: '#ffffff' } }).png().toBuffer();
    const [view] = (await decodeViews(wide, 100_000_000)).views;
    const at = (x: number, y: number) => view!.pixels[(y * 512 + x) * 3]!;
    expect(at(256, 10)).toBe(0); // the bar above
    expect(at(256, 256)).toBe(255); // the photo, centred
    expect(at(256, 500)).toBe(0); // the bar below
    expect(view!.fit).toMatchObject({ width: 512, height: 256, padX: 0, padY: 128 });
  });

  it('refuses an image with more pixels than allowed (a decompression bomb) as ImageTooLargeException', async () => {
    const wide = await sharp({ create: { width: 2000, height: 1000, channels: 3, background: '#123456' } }).png().toBuffer();
    await expect(decodeViews(wide, 1_000_000)).rejects.toThrow(/^ImageTooLargeException/);
    await expect(fullFrame(wide, 2_000_000)).resolves.toHaveLength(512 * 512 * 3);
  });

  it('applies the EXIF orientation, as a camera photo needs', async () => {
    const upright = await sharp(astronaut).png().toBuffer();
    // Pixels stored turned 90° clockwise, with EXIF orientation 8 ("rotate 90° counter-clockwise to view").
    const stored = await sharp(astronaut).rotate(90).png().toBuffer();
    const tagged = await sharp(stored).jpeg({ quality: 95 }).withMetadata({ orientation: 8 }).toBuffer();
    const [u, s, t] = await Promise.all([upright, stored, tagged].map((b) => fullFrame(b)));
    expect(meanAbsDiff(u!, t!)).toBeLessThan(5);
    expect(meanAbsDiff(u!, s!)).toBeGreaterThan(20);
  });
});

describe('LOCAL_DETECTOR_TILES', () => {
  it('is on unless set to off, and refuses anything else by name', () => {
    expect(multiScaleSetting({})).toBe(true);
    expect(multiScaleSetting({ LOCAL_DETECTOR_TILES: 'on' })).toBe(true);
    expect(multiScaleSetting({ LOCAL_DETECTOR_TILES: 'off' })).toBe(false);
    expect(() => multiScaleSetting({ LOCAL_DETECTOR_TILES: 'false' })).toThrow('LOCAL_DETECTOR_TILES must be on or off, not "false"');
  });
});

describe('local label detector: boxes in the image’s own pixels', () => {
  it('maps boxes of a photo larger than the working copy back to its full size', async () => {
    const detector = LocalLabelDetector.start({}); // analyseImage() takes bytes: no S3
    try {
      // The astronaut scaled ×10: 5120×5120, decoded at 2560×2560 (half size), boxes reported ×2.
      const big = await sharp(astronaut).resize(5120, 5120).jpeg({ quality: 85 }).toBuffer();
      const [small, large] = [await detector.analyseImage(astronaut, 50), await detector.analyseImage(big, 50)];
      const person = (a: typeof small) => a.detections.filter((d) => d.classIndex === 0).sort((x, y) => y.score - x.score)[0]!.box;
      const [s, l] = [person(small), person(large)];
      expect(Math.max(...l)).toBeLessThanOrEqual(5120);
      for (let i = 0; i < 4; i++) expect(Math.abs(l[i]! / 10 - s[i]!), `coordinate ${i}: ${l[i]} vs ${s[i]}×10`).toBeLessThan(40);
    } finally {
      await detector.close();
    }
  });
});
