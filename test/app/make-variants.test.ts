import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { JsImageProcessor } from '../../src/adapters/image-variants/index.js';
import { createMakeVariants } from '../../src/app/make-variants.js';
import { HEADER_PREFIX_BYTES, PermanentImageError, REKOGNITION_MAX_S3_BYTES } from '../../src/core/variants.js';
import type { EncodedVariant, ImageProcessor } from '../../src/ports/image-processor.js';
import { MemoryObjectStore } from '../helpers/port-fakes.js';
import { bombPng, twoColourJpeg, withMetadataBlocks } from '../helpers/variant-images.js';

const IMAGE_KEY = `${'c'.repeat(64)}.jpg`;
const ORIGINAL = `456-${'c'.repeat(64)}.jpg`;

describe('makeVariants (the analysis step)', () => {
  it('reads the original, stores thumb and preview at the shared keys and describes them', async () => {
    const objects = new MemoryObjectStore();
    objects.add(ORIGINAL, await twoColourJpeg(2000, 1000));
    const made = await createMakeVariants({ objects, processor: new JsImageProcessor() })(IMAGE_KEY, ORIGINAL);
    expect(made.detectOn).toBe(ORIGINAL);
    expect(made.variants).toEqual({
      thumb: { width: 320, height: 160, content_type: 'image/jpeg', bytes: objects.bodies.get(`variants/${IMAGE_KEY}/thumb.jpg`)!.body.byteLength },
      preview: { width: 1600, height: 800, content_type: 'image/jpeg', bytes: objects.bodies.get(`variants/${IMAGE_KEY}/preview.jpg`)!.body.byteLength },
    });
    const stored = objects.bodies.get(`variants/${IMAGE_KEY}/preview.jpg`)!;
    expect(stored.contentType).toBe('image/jpeg');
    expect((await sharp(stored.body).metadata()).width).toBe(1600);
  });

  it('an original over Rekognition’s 15 MB limit is detected on its preview', async () => {
    const objects = new MemoryObjectStore();
    objects.add(ORIGINAL, new Uint8Array(REKOGNITION_MAX_S3_BYTES + 1));
    // The bytes are not decoded here: a processor that answers for any input stands in.
    const processor: ImageProcessor = {
      checkHeader: () => undefined,
      makeVariants: async (): Promise<EncodedVariant[]> => [
        { name: 'thumb', width: 320, height: 240, contentType: 'image/jpeg', body: new Uint8Array(10) },
        { name: 'preview', width: 1600, height: 1200, contentType: 'image/jpeg', body: new Uint8Array(20) },
      ],
    };
    const made = await createMakeVariants({ objects, processor })(IMAGE_KEY, ORIGINAL);
    expect(made.detectOn).toBe(`variants/${IMAGE_KEY}/preview.jpg`);
  });

  it('an object over the 50 MB maximum is too_large, without reading or decoding it', async () => {
    const objects = new MemoryObjectStore();
    objects.add(ORIGINAL, new Uint8Array(50 * 1024 * 1024 + 1));
    const mustNotBeCalled = () => {
      throw new Error('must not be called');
    };
    const processor: ImageProcessor = { checkHeader: mustNotBeCalled, makeVariants: mustNotBeCalled };
    const e = await createMakeVariants({ objects, processor })(IMAGE_KEY, ORIGINAL).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PermanentImageError);
    expect((e as PermanentImageError).code).toBe('too_large');
    expect(objects.calls.readStart).toEqual([ORIGINAL]); // its size came with the first bytes
    expect(objects.calls.read).toEqual([]);
    expect(objects.calls.put).toEqual([]);
  });
});

describe('makeVariants judges the header on the first bytes before reading the whole original', () => {
  const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const refusal = async (body: Uint8Array) => {
    const objects = new MemoryObjectStore();
    objects.add(ORIGINAL, body);
    const e = await createMakeVariants({ objects, processor: new JsImageProcessor() })(IMAGE_KEY, ORIGINAL).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PermanentImageError);
    return { code: (e as PermanentImageError).code, objects };
  };

  it('48 MB of junk after a PNG signature: invalid_image from the first 64 KiB, the rest never read', async () => {
    const { code, objects } = await refusal(Buffer.concat([PNG_SIGNATURE, randomBytes(48 * 1024 * 1024)]));
    expect(code).toBe('invalid_image');
    expect(objects.calls.readStart).toEqual([ORIGINAL]);
    expect(objects.calls.read).toEqual([]);
  });

  it('a 20 MB file declaring 50,000 × 50,000 pixels: too_large, the rest never read', async () => {
    const { code, objects } = await refusal(Buffer.concat([bombPng(50_000, 50_000), randomBytes(20 * 1024 * 1024)]));
    expect(code).toBe('too_large');
    expect(objects.calls.read).toEqual([]);
  });

  it('a text file: invalid_image from its first bytes', async () => {
    const { code, objects } = await refusal(randomBytes(200 * 1024));
    expect(code).toBe('invalid_image');
    expect(objects.calls.read).toEqual([]);
  });

  it('an original smaller than the first read is made from that read alone', async () => {
    const objects = new MemoryObjectStore();
    const small = await twoColourJpeg(400, 300);
    expect(small.length).toBeLessThan(HEADER_PREFIX_BYTES);
    objects.add(ORIGINAL, small);
    const made = await createMakeVariants({ objects, processor: new JsImageProcessor() })(IMAGE_KEY, ORIGINAL);
    expect(made.variants.preview).toMatchObject({ width: 400, height: 300 });
    expect(objects.calls.read).toEqual([]);
  });

  it('a JPEG whose frame header lies past the first read (large metadata first) is read in full and made', async () => {
    const objects = new MemoryObjectStore();
    const jpeg = await twoColourJpeg(600, 400);
    const padded = withMetadataBlocks(jpeg, 2); // ~128 KiB of APP15 blocks before the frame header
    objects.add(ORIGINAL, padded);
    const made = await createMakeVariants({ objects, processor: new JsImageProcessor() })(IMAGE_KEY, ORIGINAL);
    expect(made.variants.preview).toMatchObject({ width: 600, height: 400 });
    expect(objects.calls.read).toEqual([ORIGINAL]);
  });
});
