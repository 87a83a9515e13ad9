import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { JsImageProcessor } from '../../../src/adapters/image-variants/index.js';
import { noiseJpeg, twoColourJpeg } from '../../helpers/variant-images.js';

const processor = new JsImageProcessor();
const byName = async (original: Buffer) => Object.fromEntries((await processor.makeVariants(original)).map((v) => [v.name, v]));

describe('variant dimensions', () => {
  it('fits a landscape original to 1600 (preview) and 320 (thumb) on the long side, keeping the aspect ratio', async () => {
    const v = await byName(await noiseJpeg(2400, 1800));
    expect([v.preview!.width, v.preview!.height]).toEqual([1600, 1200]);
    expect([v.thumb!.width, v.thumb!.height]).toEqual([320, 240]);
  });

  it('fits a portrait original by its height', async () => {
    const v = await byName(await noiseJpeg(900, 2000));
    expect([v.preview!.width, v.preview!.height]).toEqual([720, 1600]);
    expect([v.thumb!.width, v.thumb!.height]).toEqual([144, 320]);
  });

  it('never upscales: a small original keeps its size in both variants', async () => {
    const v = await byName(await twoColourJpeg(200, 100));
    expect([v.preview!.width, v.preview!.height]).toEqual([200, 100]);
    expect([v.thumb!.width, v.thumb!.height]).toEqual([200, 100]);
  });

  it('says what it wrote: the declared size and type match the encoded JPEG', async () => {
    for (const v of await processor.makeVariants(await noiseJpeg(1000, 700))) {
      const meta = await sharp(v.body).metadata();
      expect(v.contentType).toBe('image/jpeg');
      expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', v.width, v.height]);
    }
  });
});
