import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { JsImageProcessor } from '../../../src/adapters/image-variants/index.js';
import { twoColourJpeg } from '../../helpers/variant-images.js';

const processor = new JsImageProcessor();

/** The JPEG marker segments of a file (APPn, COM…), up to the start of scan. */
const segments = (jpeg: Uint8Array): number[] => {
  const found: number[] = [];
  for (let i = 2; i + 4 <= jpeg.length && jpeg[i] === 0xff; ) {
    const marker = jpeg[i + 1]!;
    found.push(marker);
    if (marker === 0xda) break;
    i += 2 + ((jpeg[i + 2]! << 8) | jpeg[i + 3]!);
  }
  return found;
};

describe('stripped metadata', () => {
  it('keeps no EXIF, GPS, ICC or comment of the original in either variant', async () => {
    const original = await twoColourJpeg(640, 480, { gps: true, orientation: 3 });
    const source = await sharp(original).metadata();
    expect(source.exif).toBeDefined(); // the fixture really carries EXIF with GPS
    expect(Buffer.from(original).includes('TravelLogTestCam')).toBe(true);

    for (const v of await processor.makeVariants(original)) {
      const meta = await sharp(v.body).metadata();
      expect(meta.exif, v.name).toBeUndefined();
      expect(meta.icc, v.name).toBeUndefined();
      expect(meta.xmp, v.name).toBeUndefined();
      expect(meta.orientation, v.name).toBeUndefined();
      const markers = segments(v.body);
      expect(markers.filter((m) => m >= 0xe1 && m <= 0xef), v.name).toEqual([]); // APP1–APP15
      expect(markers, v.name).not.toContain(0xfe); // COM
      const text = Buffer.from(v.body);
      for (const s of ['Exif', 'GPS', 'TravelLogTestCam', 'secret-owner']) expect(text.includes(s), `${v.name}: ${s}`).toBe(false);
    }
  });
});
