import { readFileSync } from 'node:fs';
import type { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it, vi } from 'vitest';
import { encodedImage, ObjectReadError, readObject } from '../../src/adapters/local-label-detector/read-object.js';
import { ImageNotAnalysableError } from '../../src/ports/label-detector.js';

/**
 * The worker's read step, on S3 answers the project's local S3 does not give (throttling, a body
 * longer than announced, a dropped connection). The worker reading through the real local S3 is
 * in local-label-detector.test.ts.
 */
const astronaut = new Uint8Array(readFileSync(new URL('../fixtures/photos/astronaut.jpg', import.meta.url)));
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
const MAX = 1000;

const s3Answering = (answer: () => unknown) => ({ send: vi.fn(async () => answer()) }) as unknown as S3Client & { send: ReturnType<typeof vi.fn> };
const s3Failing = (name: string) =>
  s3Answering(() => {
    throw Object.assign(new Error(`${name} happened`), { name });
  });
const body = (bytes: Uint8Array) => ({ transformToByteArray: vi.fn(async () => bytes), destroy: vi.fn() });

describe('the local label detector worker’s read step', () => {
  it('asks S3 for the named object', async () => {
    const s3 = s3Answering(() => ({ ContentLength: astronaut.length, Body: body(astronaut) }));
    expect(await readObject(s3, 'photos', 'u/a.jpg', astronaut.length)).toEqual(astronaut);
    expect(s3.send).toHaveBeenCalledTimes(1);
    expect(s3.send.mock.calls[0]![0].input).toEqual({ Bucket: 'photos', Key: 'u/a.jpg' });
  });

  it('maps a missing object or bucket to InvalidS3ObjectException (the image’s fault)', async () => {
    for (const name of ['NoSuchKey', 'NotFound', 'NoSuchBucket']) {
      const e = await readObject(s3Failing(name), 'photos', 'gone.jpg', MAX).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ImageNotAnalysableError);
      expect((e as Error).message).toBe(`InvalidS3ObjectException: Unable to get object gone.jpg from S3 (${name})`);
    }
  });

  it('keeps other S3 errors retryable, with the SDK’s error name', async () => {
    for (const name of ['SlowDown', 'AccessDenied', 'InternalError']) {
      const e = await readObject(s3Failing(name), 'photos', 'a.jpg', MAX).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ObjectReadError);
      expect(e).not.toBeInstanceOf(ImageNotAnalysableError);
      expect((e as ObjectReadError).sdkName).toBe(name);
      expect((e as Error).message).toBe(`${name} happened`);
    }
  });

  it('refuses an object announced larger than the cap without reading its body', async () => {
    const b = body(new Uint8Array(MAX + 1));
    const e = await readObject(s3Answering(() => ({ ContentLength: MAX + 1, Body: b })), 'photos', 'big.jpg', MAX).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ImageNotAnalysableError);
    expect((e as Error).message).toBe(`ImageTooLargeException: the object is larger than ${MAX} bytes`);
    expect(b.destroy).toHaveBeenCalled();
    expect(b.transformToByteArray).not.toHaveBeenCalled();
  });

  it('refuses a body larger than the cap even when S3 announced less', async () => {
    const read = readObject(s3Answering(() => ({ ContentLength: 10, Body: body(new Uint8Array(MAX + 1)) })), 'photos', 'liar.jpg', MAX);
    await expect(read).rejects.toThrow(/^ImageTooLargeException/);
    await expect(read).rejects.toBeInstanceOf(ImageNotAnalysableError);
  });

  it('takes an object of exactly the cap', async () => {
    const bytes = new Uint8Array(MAX).fill(7);
    expect(await readObject(s3Answering(() => ({ ContentLength: MAX, Body: body(bytes) })), 'photos', 'a.jpg', MAX)).toHaveLength(MAX);
  });

  it('refuses an object without a body as InvalidS3ObjectException', async () => {
    await expect(readObject(s3Answering(() => ({ ContentLength: 0 })), 'photos', 'empty.jpg', MAX)).rejects.toThrow(
      /^InvalidS3ObjectException: the object empty.jpg has no body/,
    );
  });

  it('keeps a connection dropped mid-body retryable', async () => {
    const broken = { transformToByteArray: async () => Promise.reject(Object.assign(new Error('aborted'), { name: 'AbortError' })) };
    const e = await readObject(s3Answering(() => ({ ContentLength: 500, Body: broken })), 'photos', 'a.jpg', MAX).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ObjectReadError);
    expect((e as ObjectReadError).sdkName).toBe('AbortError');
  });

  it('passes JPEG and PNG on, from S3 or from memory, and refuses anything else before decoding', async () => {
    const fromS3 = (bytes: Uint8Array) => s3Answering(() => ({ ContentLength: bytes.length, Body: body(bytes) }));
    const object = { type: 'object', id: 1, bucket: 'photos', key: 'a.jpg' } as const;
    expect(await encodedImage(object, () => fromS3(astronaut), astronaut.length)).toEqual(astronaut);
    expect(await encodedImage({ type: 'bytes', id: 2, bytes: PNG }, () => s3Failing('Unused'), MAX)).toBe(PNG);
    const text = new TextEncoder().encode('this is not an image');
    await expect(encodedImage(object, () => fromS3(text), MAX)).rejects.toThrow(/^InvalidImageFormatException: Request has invalid image format$/);
    await expect(encodedImage({ type: 'bytes', id: 3, bytes: text }, () => s3Failing('Unused'), MAX)).rejects.toBeInstanceOf(ImageNotAnalysableError);
  });

  it('never asks S3 for bytes that came with the message', async () => {
    const s3 = vi.fn(() => s3Failing('Unused'));
    await encodedImage({ type: 'bytes', id: 1, bytes: astronaut }, s3, astronaut.length);
    expect(s3).not.toHaveBeenCalled(); // not even built
  });
});
