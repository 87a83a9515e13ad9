import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { JsImageProcessor } from '../../../src/adapters/image-variants/index.js';
import { exifTiff, twoColourJpeg, twoColourPngWithExif } from '../../helpers/variant-images.js';

const processor = new JsImageProcessor();

/** Mean colour of a region of a JPEG, as [r, g, b] (read from raw pixels). */
const meanAt = async (jpeg: Uint8Array, left: number, top: number, width: number, height: number) => {
  const raw = await sharp(jpeg).extract({ left, top, width, height }).raw().toBuffer();
  const sum = [0, 0, 0];
  for (let i = 0; i < raw.length; i += 3) for (let c = 0; c < 3; c++) sum[c]! += raw[i + c]!;
  return sum.map((s) => Math.round(s / (width * height)));
};

describe('EXIF orientation', () => {
  it('shows an orientation-6 photo (rotate 90° clockwise) upright: the stored left half becomes the top', async () => {
    const original = await twoColourJpeg(120, 60, { orientation: 6 });
    expect((await sharp(original).metadata()).orientation).toBe(6);
    const preview = (await processor.makeVariants(original)).find((v) => v.name === 'preview')!;
    expect([preview.width, preview.height]).toEqual([60, 120]);
    const top = await meanAt(preview.body, 10, 5, 40, 40);
    const bottom = await meanAt(preview.body, 10, 75, 40, 40);
    expect(top[0]).toBeGreaterThan(200); // red
    expect(top[2]).toBeLessThan(50);
    expect(bottom[2]).toBeGreaterThan(200); // blue
    expect(bottom[0]).toBeLessThan(50);
  });

  it.each([2, 3, 4, 5, 6, 7, 8])('agrees with libvips auto-orientation for orientation %i', async (orientation) => {
    // An asymmetric picture: a red quarter in the stored top-left corner.
    const base = await sharp({ create: { width: 80, height: 40, channels: 3, background: { r: 0, g: 0, b: 255 } } })
      .composite([{ input: { create: { width: 40, height: 20, channels: 3, background: { r: 255, g: 0, b: 0 } } }, left: 0, top: 0 }])
      .jpeg({ quality: 95 })
      .toBuffer();
    const original = await sharp(base).withMetadata({ orientation }).jpeg({ quality: 95 }).toBuffer();
    const expected = await sharp(original).rotate().raw().toBuffer({ resolveWithObject: true });
    const preview = (await processor.makeVariants(original)).find((v) => v.name === 'preview')!;
    const actual = await sharp(preview.body).raw().toBuffer({ resolveWithObject: true });
    expect([actual.info.width, actual.info.height]).toEqual([expected.info.width, expected.info.height]);
    // Red corner in the same place: compare the quadrant means, not exact pixels (two JPEG codecs).
    const w = actual.info.width;
    const h = actual.info.height;
    const redAt = (raw: Buffer, x: number, y: number) => raw[(y * w + x) * 3]! > 128;
    for (const [x, y] of [[2, 2], [w - 3, 2], [2, h - 3], [w - 3, h - 3]] as const) {
      expect(redAt(actual.data, x, y), `corner ${x},${y}`).toBe(redAt(expected.data, x, y));
    }
  });
});

describe('PNG eXIf orientation', () => {
  it.each(['before-idat', 'after-idat'] as const)('shows an orientation-6 PNG (eXIf %s) upright: the stored left half becomes the top', async (where) => {
    const original = await twoColourPngWithExif(120, 60, await exifTiff(6), where);
    expect((await sharp(original).metadata()).width).toBe(120); // a valid PNG, stored sideways
    const preview = (await processor.makeVariants(original)).find((v) => v.name === 'preview')!;
    expect([preview.width, preview.height]).toEqual([60, 120]);
    const top = await meanAt(preview.body, 10, 5, 40, 40);
    const bottom = await meanAt(preview.body, 10, 75, 40, 40);
    expect(top[0]).toBeGreaterThan(200); // red
    expect(bottom[2]).toBeGreaterThan(200); // blue
  });

  it('a PNG with orientation 1, or a malformed eXIf chunk, is left as stored', async () => {
    const upright = await twoColourPngWithExif(120, 60, await exifTiff(1));
    const unreadable = Buffer.from(await exifTiff(6));
    unreadable.write('XX', 0, 'latin1'); // no byte order mark: not EXIF at all
    const broken = await twoColourPngWithExif(120, 60, unreadable);
    for (const original of [upright, broken]) {
      const preview = (await processor.makeVariants(original)).find((v) => v.name === 'preview')!;
      expect([preview.width, preview.height]).toEqual([120, 60]);
    }
  });
});
