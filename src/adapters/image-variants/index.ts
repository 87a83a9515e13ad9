/**
 * The image processor of both stacks: jpeg-js (pure JS JPEG codec), pngjs (PNG on
 * node:zlib) and pica (Lanczos-class resize in JS + a small embedded WebAssembly
 * kernel). All of it bundles into the analyzer's inline CommonJS code — no native
 * module, no layer. Why these codecs: docs/variants.md; figures: docs/benchmarks.md.
 */
import jpeg from 'jpeg-js';
import { Pica } from 'pica';
import { fitWithin, VARIANT_CONTENT_TYPE, VARIANT_LONG_SIDE, type VariantName } from '../../core/variants.js';
import type { EncodedVariant, ImageProcessor } from '../../ports/image-processor.js';
import { checkHeaderPrefix, decodeImage } from './decode.js';
import { applyOrientation, type Rgba } from './orientation.js';

/** JPEG quality of each variant: the thumb is small enough that 78 shows no blocking. */
export type Phase = 'decode' | 'preview_resize' | 'preview_encode' | 'thumb';

const QUALITY: Record<VariantName, number> = { thumb: 78, preview: 82 };

export class JsImageProcessor implements ImageProcessor {
  // 'js' and 'wasm' only: no web workers, no canvas in Node.
  private readonly pica = new Pica({ features: ['js', 'wasm'] });

  private async resize(img: Rgba, longSide: number): Promise<Rgba> {
    const to = fitWithin(img.width, img.height, longSide);
    if (to.width === img.width && to.height === img.height) return img; // never upscaled
    const data = await this.pica.resizeBuffer({ src: img.data, width: img.width, height: img.height, toWidth: to.width, toHeight: to.height });
    return { data, ...to };
  }

  private encode(name: VariantName, img: Rgba): EncodedVariant {
    // jpeg-js writes JFIF only: no EXIF, GPS, ICC or comment block of the original survives.
    const { data } = jpeg.encode({ data: img.data, width: img.width, height: img.height }, QUALITY[name]);
    return { name, width: img.width, height: img.height, contentType: VARIANT_CONTENT_TYPE, body: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  }

  checkHeader(start: Uint8Array, complete: boolean): void {
    checkHeaderPrefix(start, complete);
  }

  /** `trace` receives each phase's duration (for logs and the bench). */
  async makeVariants(original: Uint8Array, trace?: (phase: Phase, ms: number) => void): Promise<EncodedVariant[]> {
    let t = performance.now();
    const lap = (phase: Phase) => {
      const now = performance.now();
      trace?.(phase, now - t);
      t = now;
    };
    const decoded = decodeImage(original);
    lap('decode');
    // Orientation is applied to the preview, not the full-size pixels (the long side is the same either way).
    const previewPixels = applyOrientation(await this.resize(decoded, VARIANT_LONG_SIDE.preview), decoded.orientation);
    lap('preview_resize');
    const preview = this.encode('preview', previewPixels);
    lap('preview_encode');
    // The thumb is made from the preview: 1600 → 320 costs a fraction of full size → 320.
    const thumb = this.encode('thumb', await this.resize(previewPixels, VARIANT_LONG_SIDE.thumb));
    lap('thumb');
    return [thumb, preview];
  }
}
