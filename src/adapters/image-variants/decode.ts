/**
 * Decoding an untrusted original into opaque RGBA pixels, refusing what can never work
 * before any large allocation: the format is sniffed from the bytes (never from the
 * name or the declared content type) and the pixel count is read from the header, so
 * a decompression bomb — a tiny file declaring 50,000 × 50,000 pixels — is refused
 * without decoding it.
 */
import { JPG } from 'image-size/types/jpg';
import { PNG as PNG_HEADER } from 'image-size/types/png';
import exifReader from 'exif-reader';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { MAX_PIXELS, PermanentImageError } from '../../core/variants.js';
import type { Rgba } from './orientation.js';

export interface Decoded extends Rgba {
  format: 'jpeg' | 'png';
  /** EXIF orientation (1–8): a JPEG's APP1 block or a PNG's eXIf chunk, when it has one. */
  orientation?: number;
}

export interface Header {
  format: 'jpeg' | 'png';
  width: number;
  height: number;
  orientation?: number;
}

/**
 * The format the signature names. image-size's PNG check throws (a TypeError) when the PNG
 * signature is followed by anything but an IHDR chunk: that is a file that can never decode,
 * not a transient fault, so it must become invalid_image rather than escape as a retryable error.
 * A JPEG's SOI is always followed by a marker (FF D8 FF): image-size checks FF D8 only and then
 * scans leniently, so junk after FF D8 would read as a random, often "too large", frame size.
 */
const sniffFormat = (bytes: Uint8Array): Header['format'] => {
  try {
    if (JPG.validate(bytes) && bytes[2] === 0xff) return 'jpeg';
    if (PNG_HEADER.validate(bytes)) return 'png';
  } catch (e) {
    throw new PermanentImageError('invalid_image', (e as Error).message);
  }
  throw new PermanentImageError('invalid_image');
};

type Declared = { width?: number; height?: number; orientation?: number };

/** Dimensions (and a JPEG's EXIF orientation) the header declares; throws when it holds none. */
const declaredSize = (format: Header['format'], bytes: Uint8Array): Declared => (format === 'jpeg' ? JPG : PNG_HEADER).calculate(bytes);

/** Refuses what the declared size alone proves: no pixels, or more than MAX_PIXELS (a decompression bomb). */
const judgeSize = (format: Header['format'], { width, height, orientation }: Declared): Header => {
  if (!(width! > 0 && height! > 0)) throw new PermanentImageError('invalid_image', 'no dimensions in the header');
  if (width! * height! > MAX_PIXELS) throw new PermanentImageError('too_large', `${width}×${height} declared`);
  return orientation === undefined ? { format, width: width!, height: height! } : { format, width: width!, height: height!, orientation };
};

/** Format and declared dimensions, from the first bytes; throws PermanentImageError. */
export const readHeader = (bytes: Uint8Array): Header => {
  const format = sniffFormat(bytes);
  let size;
  try {
    size = declaredSize(format, bytes);
  } catch (e) {
    throw new PermanentImageError('invalid_image', (e as Error).message);
  }
  return judgeSize(format, size);
};

/**
 * The same judgement on the first bytes of an original, before the rest is read (at least
 * HEADER_PREFIX_BYTES, or the whole object when `complete`). Throws PermanentImageError when
 * they prove it can never decode — a signature that is neither JPEG nor PNG, a PNG without its
 * IHDR, no or too many declared pixels (what the full read would refuse, as the header is the
 * same bytes); returns the header when they hold it; undefined when they do not yet (a JPEG whose
 * frame header lies beyond them, after large metadata blocks): the full read decides.
 */
export const checkHeaderPrefix = (start: Uint8Array, complete: boolean): Header | undefined => {
  if (complete) return readHeader(start);
  const format = sniffFormat(start);
  let size;
  try {
    size = declaredSize(format, start);
  } catch {
    return undefined; // cut short by the prefix, not proven broken
  }
  return judgeSize(format, size);
};

/** jpeg-js accounts its own allocations: RGBA output plus its coefficient and line buffers. */
const JPEG_MEMORY_MB = Math.ceil((MAX_PIXELS * 4 * 3) / 1024 / 1024);

const decodeJpeg = (bytes: Uint8Array): Rgba => {
  try {
    const d = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      tolerantDecoding: true, // camera files with minor marker quirks still decode
      maxResolutionInMP: MAX_PIXELS / 1_000_000,
      maxMemoryUsageInMB: JPEG_MEMORY_MB,
    });
    return { data: d.data, width: d.width, height: d.height };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/maxResolutionInMP|maxMemoryUsageInMB/.test(message)) throw new PermanentImageError('too_large', message);
    if (/unsupported|not supported/i.test(message)) throw new PermanentImageError('unsupported_image', message);
    throw new PermanentImageError('invalid_image', message);
  }
};

/** Transparent pixels are composited over white: JPEG variants have no alpha channel. */
const flattenOnWhite = (data: Uint8Array): void => {
  for (let i = 0; i < data.length; i += 4) {
    const a = data[i + 3]!;
    if (a === 255) continue;
    const keep = 255 - a;
    data[i] = (data[i]! * a + 255 * keep + 127) / 255;
    data[i + 1] = (data[i + 1]! * a + 255 * keep + 127) / 255;
    data[i + 2] = (data[i + 2]! * a + 255 * keep + 127) / 255;
    data[i + 3] = 255;
  }
};

const decodePng = (bytes: Uint8Array): Rgba => {
  let png;
  try {
    // pngjs inflates with node:zlib and returns 8-bit RGBA for every bit depth and colour type.
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw new PermanentImageError('invalid_image', (e as Error).message);
  }
  const data = new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength);
  flattenOnWhite(data);
  return { data, width: png.width, height: png.height };
};

/**
 * The EXIF orientation in a PNG's eXIf chunk (before or after IDAT: the spec allows both, once).
 * pngjs skips ancillary chunks, so the chunk list is walked here (lengths only, no copy); the EXIF
 * is read by exif-reader. A malformed eXIf is ignored, as browsers do: the image still decodes.
 */
const pngOrientation = (bytes: Uint8Array): number | undefined => {
  const png = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 8; at + 8 <= png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    if (type === 'IEND') return undefined;
    if (type === 'eXIf') {
      try {
        const orientation = exifReader(png.subarray(at + 8, at + 8 + length)).Image?.Orientation;
        return Number.isInteger(orientation) && orientation! >= 1 && orientation! <= 8 ? orientation : undefined;
      } catch {
        return undefined;
      }
    }
    at += 12 + length;
  }
  return undefined;
};

/** Header check, then a full decode to opaque RGBA. */
export const decodeImage = (bytes: Uint8Array): Decoded => {
  const header = readHeader(bytes);
  const pixels = header.format === 'jpeg' ? decodeJpeg(bytes) : decodePng(bytes);
  // The header is what was checked: a body that decodes to other dimensions is not trusted.
  if (pixels.width * pixels.height > MAX_PIXELS) throw new PermanentImageError('too_large');
  const decoded: Decoded = { ...pixels, format: header.format };
  const orientation = header.format === 'png' ? pngOrientation(bytes) : header.orientation;
  if (orientation !== undefined) decoded.orientation = orientation;
  return decoded;
};
