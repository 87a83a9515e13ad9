import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { JsImageProcessor } from '../../../src/adapters/image-variants/index.js';
import { halfTransparentPng } from '../../helpers/variant-images.js';

const processor = new JsImageProcessor();

describe('PNG with alpha', () => {
  it('flattens transparency onto white in the JPEG variants and keeps opaque pixels', async () => {
    const original = await halfTransparentPng(400, 300);
    expect((await sharp(original).metadata()).hasAlpha).toBe(true);
    const thumb = (await processor.makeVariants(original)).find((v) => v.name === 'thumb')!;
    expect([thumb.width, thumb.height]).toEqual([320, 240]);
    const { data, info } = await sharp(thumb.body).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(3);
    const px = (x: number, y: number) => Array.from(data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3));
    const [r, g, b] = px(160, 40); // opaque red half
    expect(r).toBeGreaterThan(230);
    expect(Math.max(g!, b!)).toBeLessThan(30);
    for (const c of px(160, 200)) expect(c).toBeGreaterThan(245); // transparent half → white, not black
  });

  it('decodes a palette PNG and a 16-bit greyscale PNG', async () => {
    const palette = await sharp({ create: { width: 50, height: 40, channels: 3, background: '#3a7' } }).png({ palette: true }).toBuffer();
    const grey16 = await sharp({ create: { width: 50, height: 40, channels: 3, background: '#808080' } }).greyscale().toColourspace('grey16').png().toBuffer();
    for (const png of [palette, grey16]) {
      const preview = (await processor.makeVariants(png)).find((v) => v.name === 'preview')!;
      expect([preview.width, preview.height]).toEqual([50, 40]);
    }
  });
});
