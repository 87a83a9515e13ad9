/**
 * npm run calibrate-detector [-- --write]: re-derives the local detector's confidence mapping
 * (src/adapters/local-label-detector/calibration.ts) from the labelled photos. Runs the detector
 * (multi-scale, as `npm start` does) on every photo of test/fixtures/photos/labelled/, fits the
 * logistic curve on the best raw score of each (photo, class), lowers it until no false label
 * reaches 75, and prints precision and recall at 75 and 55 — for the full frame alone and for
 * multi-scale, under the shipped mapping and the new fit. `--write` stores the new constants.
 * Run it after changing the model, the views or the set; commit the result with the table.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { CALIBRATION, capFalseLabels, evaluate, fitPlatt, type Calibration, type LabelledScore } from '../src/adapters/local-label-detector/calibration.js';
import { LocalLabelDetector } from '../src/adapters/local-label-detector/index.js';
import { labelledPhotos, scoreLabelledPhotos } from '../test/helpers/labelled-photos.js';

const { values } = parseArgs({ options: { write: { type: 'boolean', default: false } } });

const photos = await labelledPhotos();
const scoresOf = async (multiScale: boolean): Promise<LabelledScore[]> => {
  const detector = LocalLabelDetector.start({}, { multiScale }); // an empty env: analyseImage() takes bytes, no S3
  try {
    return await scoreLabelledPhotos(detector, photos);
  } finally {
    await detector.close();
  }
};

const row = (name: string, samples: LabelledScore[], c: Calibration) =>
  [75, 55]
    .map((t) => {
      const e = evaluate(samples, t, c);
      return `| ${name} | ${t} | ${e.truePositives}/${e.present} (${(100 * e.recall).toFixed(0)} %) | ${e.falseLabels.length} | ${(100 * e.precision).toFixed(0)} % | ${e.falseLabels.map((f) => `${f.label} on ${f.photo}`).join('; ') || '—'} |`;
    })
    .join('\n');

const full = await scoresOf(false);
const multi = await scoresOf(true);
const fitted = fitPlatt(multi.filter((s) => s.score > 0));
const capped = capFalseLabels(fitted, multi);
const round = (c: Calibration) => ({ slope: Number(c.slope.toFixed(3)), intercept: Number(c.intercept.toFixed(3)) });
const next = round(capped);

console.log(`photos: ${new Set(multi.map((s) => s.photo)).size}; labels present: ${multi.filter((s) => s.correct).length}; false candidates: ${multi.filter((s) => !s.correct).length}`);
console.log(`Platt fit: slope ${fitted.slope.toFixed(3)}, intercept ${fitted.intercept.toFixed(3)}; capped so no false label reaches 75: ${JSON.stringify(next)}`);
console.log(`shipped: ${JSON.stringify(CALIBRATION)}\n`);
console.log('| views | at ≥ | labels found (recall) | false labels | precision | false labels |\n|---|---|---|---|---|---|');
console.log(row('full frame only, shipped mapping', full, CALIBRATION));
console.log(row('multi-scale, shipped mapping', multi, CALIBRATION));
console.log(row('multi-scale, new fit', multi, next));

if (values.write) {
  const file = new URL('../src/adapters/local-label-detector/calibration.ts', import.meta.url);
  const source = await readFile(file, 'utf8');
  const updated = source.replace(/export const CALIBRATION = \{[^}]*\} as const;/, `export const CALIBRATION = { slope: ${next.slope}, intercept: ${next.intercept} } as const;`);
  if (updated === source && JSON.stringify(next) !== JSON.stringify(CALIBRATION)) throw new Error('CALIBRATION not found in calibration.ts');
  await writeFile(file, updated);
  console.log(`\nwrote ${JSON.stringify(next)} to src/adapters/local-label-detector/calibration.ts`);
}
