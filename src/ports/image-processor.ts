import type { VariantName } from '../core/variants.js';

export interface EncodedVariant {
  name: VariantName;
  width: number;
  height: number;
  contentType: string;
  body: Uint8Array;
}

/**
 * Makes the variants of one original (pure JS / WebAssembly codecs on AWS and locally).
 * Throws PermanentImageError (core/variants) for input that can never succeed; any
 * other error is transient.
 */
export interface ImageProcessor {
  /**
   * Judges an original by its first bytes (the whole object when `complete`) before it is read
   * in full: throws PermanentImageError when they prove it can never decode, else returns.
   */
  checkHeader(start: Uint8Array, complete: boolean): void;
  makeVariants(original: Uint8Array, trace?: (phase: string, ms: number) => void): Promise<EncodedVariant[]>;
}
