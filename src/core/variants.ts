/**
 * Image variants (API §7): what is made from every original, and the reasons an
 * original can never be made into variants (permanent failures, with the sentence
 * the owner reads). Pure: no I/O.
 */

import { MAX_ORIGINAL_BYTES } from '../wire/constants.js';

export const VARIANT_NAMES = ['thumb', 'preview'] as const;
export type VariantName = (typeof VARIANT_NAMES)[number];

/** Long side, in pixels, of each variant (never upscaled). */
export const VARIANT_LONG_SIDE: Record<VariantName, number> = { thumb: 320, preview: 1600 };

/** What `GET /obtain/{file}?variant=` accepts; `original` (or none) is the uploaded file. */
export const OBTAINABLE = ['original', ...VARIANT_NAMES] as const;
export type Obtainable = (typeof OBTAINABLE)[number];
export const isObtainable = (v: string): v is Obtainable => (OBTAINABLE as readonly string[]).includes(v);

/**
 * Largest image decoded, in pixels (width × height as declared by its header). 100 MP
 * covers every camera and phone sensor in common use but 200 MP phones' full-resolution
 * mode; it is also Rekognition's own limit. It bounds the decoder's memory (≈ 4 bytes
 * a pixel for the RGBA buffer plus the decoder's own planes).
 */
export const MAX_PIXELS = 100_000_000;

/** Largest original accepted at upload (bytes): enforced by the receiver and the signed PUT (defined with the wire limits). */
export { MAX_ORIGINAL_BYTES };

/**
 * How much of an original is read to judge its header before the whole object is (one ranged
 * GET): a PNG's IHDR is in its first 33 bytes; a JPEG's frame header follows its metadata
 * blocks (EXIF, ICC), usually within 64 KiB — beyond it the full read decides.
 */
export const HEADER_PREFIX_BYTES = 64 * 1024;

/** Rekognition reads an S3 object of at most 15 MB (15,728,640 bytes); a larger original is analysed on its preview. */
export const REKOGNITION_MAX_S3_BYTES = 15 * 1024 * 1024;

/** Variants are stored as baseline JPEG: every browser, no extra codec in the template. */
export const VARIANT_CONTENT_TYPE = 'image/jpeg';

export interface VariantInfo {
  width: number;
  height: number;
  content_type: string;
  bytes: number;
}
export type VariantsInfo = Partial<Record<VariantName, VariantInfo>>;

/** Where a variant of one distinct image lives: shared by every user who uploaded it. */
export const variantKey = (imageKey: string, name: VariantName): string => `variants/${imageKey}/${name}.jpg`;

/** Fits width × height within a long side, keeping the aspect ratio, never enlarging. */
export const fitWithin = (width: number, height: number, longSide: number): { width: number; height: number } => {
  const scale = Math.min(1, longSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
};

/** Codes of failures that can never heal: the record ends `failed` on the first attempt. */
export type PermanentFailureCode = 'invalid_image' | 'too_large' | 'unsupported_image';

export const FAILURE_SENTENCES: Record<PermanentFailureCode, string> = {
  invalid_image: 'The file is not a JPEG or PNG image.',
  too_large: `The image is too large to process (more than ${MAX_PIXELS / 1_000_000} megapixels or ${MAX_ORIGINAL_BYTES / 1024 / 1024} MB).`,
  unsupported_image: 'The image uses a JPEG or PNG feature that cannot be decoded (e.g. CMYK or 12-bit JPEG).',
};

/** Why a record is `failed`: a code a program can act on, a sentence a person can read (stored as `code: sentence`). */
export interface FailureReason {
  code: PermanentFailureCode | 'analysis_failed';
  message: string;
}

/** A transient failure that outlived every retry: the internal error stays in the logs, not on the record. */
export const ANALYSIS_FAILED: FailureReason = {
  code: 'analysis_failed',
  message: 'The image could not be analysed after several attempts; upload it again later.',
};


/** The original can never be made into variants or analysed: do not retry. */
export class PermanentImageError extends Error {
  readonly code: PermanentFailureCode;
  constructor(code: PermanentFailureCode, detail?: string) {
    super(detail ? `${FAILURE_SENTENCES[code]} (${detail})` : FAILURE_SENTENCES[code]);
    this.name = 'PermanentImageError';
    this.code = code;
  }
  get reason(): FailureReason {
    return { code: this.code, message: FAILURE_SENTENCES[this.code] };
  }
}

export const isPermanentImageError = (e: unknown): e is PermanentImageError => e instanceof PermanentImageError;
