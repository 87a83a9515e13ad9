import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { JsImageProcessor } from '../../src/adapters/image-variants/index.js';
import { createMakeVariants } from '../../src/app/make-variants.js';
import { PermanentImageError, REKOGNITION_MAX_S3_BYTES } from '../../src/core/variants.js';
import type { EncodedVariant, ImageProcessor } from '../../src/ports/image-processor.js';
import { MemoryObjectStore } from '../helpers/port-fakes.js';
import { twoColourJpeg } from '../helpers/variant-images.js';

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
    const processor: ImageProcessor = { makeVariants: () => Promise.reject(new Error('must not be called')) };
    const e = await createMakeVariants({ objects, processor })(IMAGE_KEY, ORIGINAL).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PermanentImageError);
    expect((e as PermanentImageError).code).toBe('too_large');
    expect(objects.calls.put).toEqual([]);
  });
});
