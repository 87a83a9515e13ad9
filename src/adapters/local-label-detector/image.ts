import sharp, { type OutputInfo } from 'sharp';
import { ImageNotAnalysableError } from '../../ports/label-detector.js';
import { INPUT_SIZE } from './model-shape.js';
import { letterbox, pixelRegion, planViews, type Letterbox, type Region } from './views.js';

const JPEG = [0xff, 0xd8, 0xff];
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);

/** Rekognition reads JPEG and PNG only; anything else is its InvalidImageFormatException. */
export const isJpegOrPng = (bytes: Uint8Array): boolean => startsWith(bytes, JPEG) || startsWith(bytes, PNG);

export const INVALID_FORMAT = 'InvalidImageFormatException: Request has invalid image format';

/**
 * The working copy's longest side: 3 tiles of 25 % overlap then have ≈ 1,024 px, twice the
 * model's input — detail enough — and the decoded copy stays ≤ 2560×2560×3 ≈ 20 MB.
 */
export const WORKING_SIZE = 2560;

/** One input for the model: 512×512 8-bit RGB, interleaved, and where it came from in the image. */
export interface ModelView {
  /** In the (EXIF-rotated) image's own pixels. */
  region: Region;
  fit: Letterbox;
  pixels: Uint8Array;
}

export interface DecodedImage {
  /** The decoded working copy's size (≤ 2560 px a side); views' regions are in its pixels. */
  width: number;
  height: number;
  /** The image's pixels (after EXIF rotation) per working-copy pixel: ≥ 1, to put boxes back in the image's own pixels. */
  pixelScale: number;
  /** The full frame first, then the tiles (views.ts). */
  views: ModelView[];
}

const notAnalysable = (e: unknown, maxInputPixels: number): ImageNotAnalysableError => {
  const message = e instanceof Error ? e.message : String(e);
  if (/pixel limit/i.test(message)) return new ImageNotAnalysableError(`ImageTooLargeException: the image has more than ${maxInputPixels} pixels`);
  return new ImageNotAnalysableError(`${INVALID_FORMAT} (${message})`);
};

/**
 * The model's inputs from an encoded JPEG/PNG: decoded once (EXIF orientation applied,
 * transparency flattened on white, sRGB; JPEGs shrink on load to ≤ 2560 px), then each view
 * letterboxed into 512×512 (aspect kept, black bars). libvips runs off the event loop;
 * `maxInputPixels` refuses decompression bombs. `multiScale: false` → the full frame only.
 */
export const decodeViews = async (bytes: Uint8Array, maxInputPixels: number, multiScale = true): Promise<DecodedImage> => {
  if (!isJpegOrPng(bytes)) throw new ImageNotAnalysableError(INVALID_FORMAT);
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    decoded = await sharp(bytes, { limitInputPixels: maxInputPixels, failOn: 'error' })
      .rotate()
      .resize(WORKING_SIZE, WORKING_SIZE, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw notAnalysable(e, maxInputPixels);
  }
  const { data, info } = decoded;
  if (info.channels !== 3) throw new Error(`decoder returned ${info.channels} channels`);
  const meta = { width: info.width, height: info.height, channels: 3 as const };
  const regions = planViews(info.width, info.height);
  const views: ModelView[] = [];
  for (const planned of multiScale ? regions : regions.slice(0, 1)) {
    const region = pixelRegion(planned, info.width, info.height);
    const fit = letterbox(region);
    const pixels = await sharp(data, { raw: meta })
      .extract({ left: region.x, top: region.y, width: region.width, height: region.height })
      .resize(fit.width, fit.height, { fit: 'fill' })
      .extend({ left: fit.padX, top: fit.padY, right: INPUT_SIZE - fit.width - fit.padX, bottom: INPUT_SIZE - fit.height - fit.padY, background: { r: 0, g: 0, b: 0 } })
      .raw({ depth: 'uchar' })
      .toBuffer();
    if (pixels.length !== INPUT_SIZE * INPUT_SIZE * 3) throw new Error(`view of ${pixels.length} bytes, expected ${INPUT_SIZE * INPUT_SIZE * 3}`);
    views.push({ region, fit, pixels: new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength) });
  }
  // Shrunk on load only when a side reached the working size: then the header says by how much.
  const shrunk = Math.max(info.width, info.height) >= WORKING_SIZE;
  const pixelScale = shrunk ? Math.max(1, (await sharp(bytes).metadata()).autoOrient.width / info.width) : 1;
  return { width: info.width, height: info.height, pixelScale, views };
};
