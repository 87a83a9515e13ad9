/**
 * The local detector on its labelled set of real photos (test/fixtures/photos/labelled/):
 * precision first — no false label at the default MIN_CONFIDENCE of 75 — and what the tiles
 * are for, small subjects in large frames. The figures: docs/benchmarks.md, "Label calibration".
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CALIBRATION, evaluate, fitPlatt, type LabelledScore } from '../../../src/adapters/local-label-detector/calibration.js';
import { LocalLabelDetector } from '../../../src/adapters/local-label-detector/index.js';
import { labelledPhotos, scoreLabelledPhotos, type LabelledPhoto } from '../../helpers/labelled-photos.js';



describe('local label detector on the labelled photos', () => {
  let photos: LabelledPhoto[];
  let multiScale: (LabelledScore & { composite: boolean })[];
  let fullFrameOnLarge: LabelledScore[];

  beforeAll(async () => {
    photos = await labelledPhotos();
    const multi = LocalLabelDetector.start({}); // an empty env: analyseImage() takes bytes, no S3
    const full = LocalLabelDetector.start({}, { multiScale: false });
    try {
      multiScale = await scoreLabelledPhotos(multi, photos);
      fullFrameOnLarge = await scoreLabelledPhotos(full, photos.filter((p) => p.composite));
    } finally {
      await Promise.all([multi.close(), full.close()]);
    }
  }, 300_000);

  it('reports no false label at 75 or more, and finds some true ones there', () => {
    const at75 = evaluate(multiScale, 75);
    expect(at75.falseLabels.map((f) => `${f.label} on ${f.photo}`)).toEqual([]);
    expect(at75.truePositives).toBeGreaterThan(0);
    expect(at75.present).toBe(photos.reduce((n, p) => n + p.present.length, 0));
  });

  it('finds more of the small subjects in large frames with tiles than with the full frame alone', () => {
    const onLarge = multiScale.filter((s) => s.composite);
    for (const threshold of [55, 75]) {
      const tiled = evaluate(onLarge, threshold);
      const fullOnly = evaluate(fullFrameOnLarge, threshold);
      expect(tiled.truePositives, `at ${threshold}`).toBeGreaterThan(fullOnly.truePositives);
      expect(tiled.falseLabels.length, `at ${threshold}`).toBeLessThanOrEqual(fullOnly.falseLabels.length);
    }
  });

  it('ships the mapping that the labelled set gives (re-run `npm run calibrate-detector -- --write` after changing the views or the set)', () => {
    const fitted = fitPlatt(multiScale.filter((s) => s.score > 0));
    // calibrate-detector also lowers the curve if a false label would reach 75; on this set it does not need to.
    expect(fitted.slope).toBeCloseTo(CALIBRATION.slope, 1);
    expect(fitted.intercept).toBeCloseTo(CALIBRATION.intercept, 1);
  });
});
