/**
 * Variants of one distinct image (issue 14), made under the same claim as its label
 * detection: read the verified original from S3, make `thumb` and `preview`, store
 * them at keys shared by every user of the image, and say which object the detector
 * reads — the preview when the original is beyond Rekognition's 15 MB S3 limit.
 */
import {
  HEADER_PREFIX_BYTES,
  MAX_ORIGINAL_BYTES,
  PermanentImageError,
  REKOGNITION_MAX_S3_BYTES,
  variantKey,
  type VariantsInfo,
} from '../core/variants.js';
import type { ImageProcessor } from '../ports/image-processor.js';
import type { ObjectStore } from '../ports/object-store.js';

export interface MadeVariants {
  variants: VariantsInfo;
  /** The object the label detector reads: the original, or the preview of a too-large original. */
  detectOn: string;
}

export type MakeVariants = (imageKey: string, originalKey: string) => Promise<MadeVariants>;

export interface MakeVariantsDeps {
  objects: ObjectStore;
  processor: ImageProcessor;
  log?: (message: string, fields: Record<string, unknown>) => void;
}

export const createMakeVariants =
  ({ objects, processor, log }: MakeVariantsDeps): MakeVariants =>
  async (imageKey, originalKey) => {
    // The first bytes first: a file that is no image, or too large, fails without tens of MB read.
    const { start, size } = await objects.readStart(originalKey, HEADER_PREFIX_BYTES);
    if (size > MAX_ORIGINAL_BYTES) throw new PermanentImageError('too_large', `object of ${size} bytes`);
    const complete = start.byteLength >= size;
    processor.checkHeader(start, complete);
    const original = complete ? start : await objects.read(originalKey, MAX_ORIGINAL_BYTES);
    if (!original) throw new PermanentImageError('too_large', `object larger than ${MAX_ORIGINAL_BYTES} bytes`);
    const timings: Record<string, number> = {};
    const made = await processor.makeVariants(original, (phase, ms) => (timings[`${phase}_ms`] = Math.round(ms)));
    const variants: VariantsInfo = {};
    // Same bytes → same key and same content: a concurrent or repeated write is harmless.
    await Promise.all(
      made.map(async (v) => {
        await objects.put(variantKey(imageKey, v.name), v.body, v.contentType);
        variants[v.name] = { width: v.width, height: v.height, content_type: v.contentType, bytes: v.body.byteLength };
      }),
    );
    log?.('variants made', { imageKey, original_bytes: original.byteLength, ...timings });
    return { variants, detectOn: original.byteLength > REKOGNITION_MAX_S3_BYTES ? variantKey(imageKey, 'preview') : originalKey };
  };
