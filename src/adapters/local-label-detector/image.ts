import sharp, { type OutputInfo } from 'sharp';
import { ImageNotAnalysableError } from '../../ports/label-detector.js';
import { INPUT_SIZE } from './model-shape.js';

const JPEG = [0xff, 0xd8, 0xff];
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);

/** Rekognition reads JPEG and PNG only; anything else is its InvalidImageFormatException. */
export const isJpegOrPng = (bytes: Uint8Array): boolean => startsWith(bytes, JPEG) || startsWith(bytes, PNG);

export const INVALID_FORMAT = 'InvalidImageFormatException: Request has invalid image format';

/**
 * The model's input from an encoded JPEG/PNG: EXIF orientation applied,
 * transparency flattened on white, sRGB, resized (stretched) to 512×512, 8-bit
 * interleaved RGB — 786,432 bytes whatever the photo's size. libvips decodes
 * off the event loop and with shrink-on-load for JPEG: no full-size pixel buffer
 * reaches JavaScript. `maxInputPixels` refuses decompression bombs.
 */
export const toModelInput = async (bytes: Uint8Array, maxInputPixels: number): Promise<Uint8Array> => {
  if (!isJpegOrPng(bytes)) throw new ImageNotAnalysableError(INVALID_FORMAT);
  let out: { data: Buffer; info: OutputInfo };
  try {
    out = await sharp(bytes, { limitInputPixels: maxInputPixels, failOn: 'error' })
      .rotate()
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .resize(INPUT_SIZE, INPUT_SIZE, { fit: 'fill' })
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/pixel limit/i.test(message)) throw new ImageNotAnalysableError(`ImageTooLargeException: the image has more than ${maxInputPixels} pixels`);
    throw new ImageNotAnalysableError(`${INVALID_FORMAT} (${message})`);
  }
  const { data, info } = out;
  if (info.channels !== 3 || data.length !== INPUT_SIZE * INPUT_SIZE * 3) {
    throw new Error(`decoder returned ${info.width}×${info.height}×${info.channels} (${data.length} bytes)`);
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
};
