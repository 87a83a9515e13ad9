import { describe, expect, it } from 'vitest';
import { checkHeaderPrefix } from '../../../src/adapters/image-variants/decode.js';
import { HEADER_PREFIX_BYTES, PermanentImageError } from '../../../src/core/variants.js';
import { solidPng } from '../../helpers/images.js';
import { bombJpeg, bombPng, noiseJpeg, twoColourJpeg, withMetadataBlocks } from '../../helpers/variant-images.js';

const prefixOf = (bytes: Uint8Array) => ({ start: bytes.subarray(0, HEADER_PREFIX_BYTES), complete: bytes.length <= HEADER_PREFIX_BYTES });
const judge = (bytes: Uint8Array) => {
  const { start, complete } = prefixOf(bytes);
  return checkHeaderPrefix(start, complete);
};
const refusedAs = (bytes: Uint8Array) => {
  try {
    judge(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(PermanentImageError);
    return (e as PermanentImageError).code;
  }
  return 'accepted';
};
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('the header pre-check on the first 64 KiB of an original', () => {
  it('reads the header of a valid PNG and JPEG, large or small', async () => {
    expect(judge(solidPng([1, 2, 3], 40, 30))).toEqual({ format: 'png', width: 40, height: 30 });
    const big = await noiseJpeg(1600, 1200, 95);
    expect(big.length).toBeGreaterThan(HEADER_PREFIX_BYTES);
    expect(judge(big)).toEqual({ format: 'jpeg', width: 1600, height: 1200 });
    expect(judge(await twoColourJpeg(300, 200, { orientation: 6 }))).toMatchObject({ format: 'jpeg', width: 300, height: 200, orientation: 6 });
  });

  it('refuses a PNG signature followed by junk, and a file that is neither format, as invalid_image', () => {
    expect(refusedAs(Buffer.concat([PNG_SIGNATURE, Buffer.alloc(200_000, 0x41)]))).toBe('invalid_image');
    expect(refusedAs(Buffer.alloc(200_000, 0x20))).toBe('invalid_image');
  });

  it('refuses a header declaring more than 100 MP as too_large, whatever follows it', async () => {
    expect(refusedAs(Buffer.concat([bombPng(50_000, 50_000), Buffer.alloc(200_000)]))).toBe('too_large');
    expect(refusedAs(Buffer.concat([await bombJpeg(60_000, 60_000), Buffer.alloc(200_000)]))).toBe('too_large');
  });

  it('leaves a JPEG whose frame header lies past the prefix undecided; the whole file decides', async () => {
    const padded = withMetadataBlocks(await twoColourJpeg(60, 40), 2);
    expect(judge(padded)).toBeUndefined();
    expect(checkHeaderPrefix(padded, true)).toEqual({ format: 'jpeg', width: 60, height: 40 });
  });

  it('on a complete object, a JPEG cut before its frame header is invalid_image', async () => {
    const padded = withMetadataBlocks(await twoColourJpeg(60, 40), 1);
    expect(() => checkHeaderPrefix(padded.subarray(0, 40_000), true)).toThrow(PermanentImageError);
  });
});
