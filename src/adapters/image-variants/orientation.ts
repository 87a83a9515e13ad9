/**
 * EXIF orientation (1–8) applied to an RGBA buffer, so variants display upright in
 * every viewer once the EXIF block is stripped. Runs on the preview (≤ 1600 px), never
 * on the full-size original. No maintained npm package transforms a raw RGBA buffer
 * without bringing its own decoder, hence these few loops.
 */
export interface Rgba {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Maps an output pixel (x, y) of the upright image to its source pixel. */
const sources: Record<number, (x: number, y: number, w: number, h: number) => [number, number]> = {
  2: (x, y, w) => [w - 1 - x, y], // mirrored horizontally
  3: (x, y, w, h) => [w - 1 - x, h - 1 - y], // rotated 180°
  4: (x, y, _w, h) => [x, h - 1 - y], // mirrored vertically
  5: (x, y) => [y, x], // transposed
  6: (x, y, _w, h) => [y, h - 1 - x], // rotated 90° clockwise to display
  7: (x, y, w, h) => [w - 1 - y, h - 1 - x], // transversed
  8: (x, y, w) => [w - 1 - y, x], // rotated 90° counter-clockwise to display
};

/** Returns the image as it should be displayed; orientation 1, unknown or absent → unchanged. */
export const applyOrientation = (img: Rgba, orientation: number | undefined): Rgba => {
  const source = orientation === undefined ? undefined : sources[orientation];
  if (!source) return img;
  const swap = orientation! >= 5;
  const width = swap ? img.height : img.width;
  const height = swap ? img.width : img.height;
  const out = new Uint8Array(width * height * 4);
  const src32 = new Uint32Array(img.data.buffer, img.data.byteOffset, img.width * img.height);
  const out32 = new Uint32Array(out.buffer);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [sx, sy] = source(x, y, img.width, img.height);
      out32[y * width + x] = src32[sy * img.width + sx]!;
    }
  }
  return { data: out, width, height };
};
