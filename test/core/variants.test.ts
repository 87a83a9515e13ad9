import { describe, expect, it } from 'vitest';
import { fitWithin, isObtainable, PermanentImageError, variantKey } from '../../src/core/variants.js';

describe('variants rules', () => {
  it('fitWithin keeps the aspect ratio, fits the long side and never enlarges', () => {
    expect(fitWithin(4000, 3000, 1600)).toEqual({ width: 1600, height: 1200 });
    expect(fitWithin(3000, 4000, 320)).toEqual({ width: 240, height: 320 });
    expect(fitWithin(100, 50, 320)).toEqual({ width: 100, height: 50 });
    expect(fitWithin(10_000, 1, 320)).toEqual({ width: 320, height: 1 }); // never 0 px
  });

  it('variant keys are per distinct image, under variants/', () => {
    expect(variantKey(`${'a'.repeat(64)}.png`, 'thumb')).toBe(`variants/${'a'.repeat(64)}.png/thumb.jpg`);
  });

  it('only original, thumb and preview can be obtained', () => {
    expect(['original', 'thumb', 'preview'].every(isObtainable)).toBe(true);
    expect(['Thumb', 'large', '', 'toString'].some(isObtainable)).toBe(false);
  });

  it('a permanent error carries a code and the plain sentence, without its technical detail', () => {
    const e = new PermanentImageError('invalid_image', 'SOI not found');
    expect(e.message).toContain('SOI not found'); // for the logs
    expect(e.reason).toEqual({ code: 'invalid_image', message: 'The file is not a JPEG or PNG image.' });
  });

});
