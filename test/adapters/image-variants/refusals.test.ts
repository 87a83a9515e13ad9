import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { JsImageProcessor } from '../../../src/adapters/image-variants/index.js';
import { FAILURE_SENTENCES, PermanentImageError } from '../../../src/core/variants.js';
import { notAnImage } from '../../helpers/images.js';
import { bombJpeg, bombPng, noiseJpeg } from '../../helpers/variant-images.js';

const processor = new JsImageProcessor();

const refusal = async (bytes: Uint8Array): Promise<PermanentImageError> => {
  const e = await processor.makeVariants(bytes).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(PermanentImageError);
  return e as PermanentImageError;
};

describe('originals that can never make variants', () => {
  it('a truncated JPEG is invalid_image, with the sentence the owner reads', async () => {
    const jpeg = await noiseJpeg(600, 400);
    const e = await refusal(jpeg.subarray(0, Math.floor(jpeg.length / 2)));
    expect(e.code).toBe('invalid_image');
    expect(e.reason).toEqual({ code: 'invalid_image', message: 'The file is not a JPEG or PNG image.' });
  });

  it('a text file named .jpg is invalid_image; so are an empty file and a bare JPEG signature', async () => {
    for (const bytes of [notAnImage('x'), Buffer.alloc(0), Buffer.from([0xff, 0xd8, 0xff])]) {
      expect((await refusal(bytes)).code).toBe('invalid_image');
    }
  });

  it('a truncated PNG is invalid_image', async () => {
    const png = bombPng(64, 64);
    expect((await refusal(png.subarray(0, 40))).code).toBe('invalid_image');
  });

  it.each([
    ['PNG', () => bombPng(50_000, 50_000)],
    ['JPEG', () => bombJpeg(60_000, 60_000)],
  ])('a %s decompression bomb (tiny file, huge declared size) is too_large, refused before any pixel buffer', async (_kind, make) => {
    const bomb = await make();
    expect(bomb.length).toBeLessThan(4096);
    const before = process.memoryUsage().arrayBuffers;
    const e = await refusal(bomb);
    expect(e.code).toBe('too_large');
    expect(e.reason.message).toBe(FAILURE_SENTENCES.too_large);
    // 2.5–3.6 gigapixels would be 10–14 GB of RGBA: nothing near that was allocated.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
  });
});

describe('a PNG signature followed by junk', () => {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

  it('is invalid_image, a permanent refusal (image-size throws a TypeError when no IHDR follows)', async () => {
    for (const junk of [Buffer.alloc(4096, 0x41), Buffer.from('garbage, not a chunk at all'), Buffer.alloc(0)]) {
      const e = await refusal(Buffer.concat([signature, junk]));
      expect(e.code).toBe('invalid_image');
    }
  });

  it('so is one whose first chunk is not IHDR, even when the rest are valid chunks', async () => {
    const png = bombPng(64, 64);
    const withoutIhdr = Buffer.concat([signature, png.subarray(8 + 25)]); // IDAT first
    expect((await refusal(withoutIhdr)).code).toBe('invalid_image');
  });
});

describe('a JPEG start of image followed by junk', () => {
  /** Deterministic junk: SHA-256 in counter mode. */
  const junk = (seed: string, bytes: number) =>
    Buffer.concat(Array.from({ length: Math.ceil(bytes / 32) }, (_, i) => createHash('sha256').update(`${seed}:${i}`).digest())).subarray(0, bytes);

  it('is invalid_image, not a random frame size read from the junk (a JPEG marker always follows FF D8)', async () => {
    // image-size alone reads this junk as a frame of 8325 × 29026 pixels (too_large).
    const file = Buffer.concat([Buffer.from([0xff, 0xd8]), junk('e', 256 * 1024)]);
    expect(file[2]).not.toBe(0xff);
    expect((await refusal(file)).code).toBe('invalid_image');
  });
});
