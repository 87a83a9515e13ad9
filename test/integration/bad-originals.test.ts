/**
 * Large and bad originals through the whole local stack (receiver → signed PUT → S3 → SQS →
 * analyzer): each ends `failed` with its precise reason on its first receive. The files are
 * generated here (tens of MB are never committed).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, bootStack, type Booted } from '../helpers/stack-harness.js';
import { bombPng } from '../helpers/variant-images.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const MB = 1024 * 1024;

/** A file that starts like a PNG and is junk from byte 8 on (no IHDR chunk). */
const junkAfterPngSignature = (bytes: number): Buffer => Buffer.concat([PNG_SIGNATURE, randomBytes(bytes - PNG_SIGNATURE.length)]);

/** A well-formed PNG header declaring w×h, padded with junk to `bytes`. */
const hugeHeaderThenJunk = (w: number, h: number, bytes: number): Buffer => {
  const head = bombPng(w, h);
  return Buffer.concat([head, randomBytes(bytes - head.length)]);
};

describe('large and bad originals end failed with their precise reason on the first receive', () => {
  let booted: Booted;
  let api: Api;
  beforeAll(async () => {
    // A long visibility timeout and several receives: a failure mistaken for a transient one would
    // leave the record `analysing` far beyond the wait below, and could only ever end `analysis_failed`.
    booted = await bootStack({ visibilityTimeoutSeconds: 120, maxReceiveCount: 3 });
    api = await Api.as(booted.stack.url, '456');
  });
  afterAll(async () => {
    await booted?.stack.stop();
  });

  it('a 48 MB file with a PNG signature and junk after it is invalid_image', async () => {
    const junk = junkAfterPngSignature(48 * MB);
    const { file_name } = await api.upload(junk, { user_id: 456, byte_size: junk.length });
    const failed = await api.waitFor(file_name, ['failed'], 90_000);
    expect(failed.failure_reason).toBe('invalid_image: The file is not a JPEG or PNG image.');
  }, 120_000);

  it('several such uploads at once each end invalid_image; a huge declared size ends too_large', async () => {
    const files = [junkAfterPngSignature(40 * MB), junkAfterPngSignature(30 * MB), junkAfterPngSignature(64 * 1024)];
    const bomb = hugeHeaderThenJunk(50_000, 50_000, 20 * MB);
    const uploads = await Promise.all([...files, bomb].map((f, i) => api.upload(f, { user_id: 456, picture_id: i + 1, byte_size: f.length })));
    const ended = await Promise.all(uploads.map((u) => api.waitFor(u.file_name, ['failed'], 150_000)));
    expect(ended.map((r) => r.failure_reason!.split(':')[0])).toEqual(['invalid_image', 'invalid_image', 'invalid_image', 'too_large']);
  }, 180_000);
});
