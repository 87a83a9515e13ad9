/**
 * From the model's raw score (a CenterNet heat-map peak, not a probability) to a
 * Rekognition-like confidence, 0–100: Platt scaling, i.e. a logistic curve on the score's
 * log-odds, fitted on a labelled set of real photos (test/fixtures/photos/labelled/,
 * `npm run calibrate-detector`), then lowered until no false label on that set reaches 75
 * — the default MIN_CONFIDENCE — with a point of margin. So a label at 75 or more has been
 * right on every photo we could check; 55 (Rekognition's own default) keeps most true
 * labels at the price of some false ones (docs/benchmarks.md has the table).
 */

/** Fitted by `npm run calibrate-detector` (the figures and the set: docs/benchmarks.md, "Label calibration"). */
export const CALIBRATION = { slope: 2.89, intercept: 0.625 } as const;

export interface Calibration {
  slope: number;
  intercept: number;
}

const EPSILON = 1e-6;
const logit = (p: number) => {
  const q = Math.min(1 - EPSILON, Math.max(EPSILON, p));
  return Math.log(q / (1 - q));
};
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Confidence (0–100) of a raw score (0–1); monotonic, so thresholds keep their order. */
export const calibratedConfidence = (score: number, c: Calibration = CALIBRATION): number => {
  if (!(score > 0)) return 0;
  if (score >= 1) return 100;
  return 100 * sigmoid(c.slope * logit(score) + c.intercept);
};

/** One (photo, label) of the labelled set: the best raw score the detector gave the label, and whether the label is in the photo. */
export interface LabelledScore {
  photo: string;
  label: string;
  score: number;
  correct: boolean;
}

/**
 * Logistic regression of `correct` on logit(score), by Newton's method (two parameters;
 * a whisker of L2 on the slope keeps it finite when the set happens to separate perfectly).
 */
export const fitPlatt = (samples: readonly Pick<LabelledScore, 'score' | 'correct'>[]): Calibration => {
  if (!samples.some((s) => s.correct) || !samples.some((s) => !s.correct)) throw new RangeError('fitPlatt needs both correct and false labels');
  let slope = 1;
  let intercept = 0;
  const ridge = 1e-3;
  for (let iteration = 0; iteration < 100; iteration++) {
    let gradSlope = ridge * slope;
    let gradIntercept = 0;
    let hSS = ridge;
    let hSI = 0;
    let hII = 0;
    for (const { score, correct } of samples) {
      const x = logit(score);
      const p = sigmoid(slope * x + intercept);
      const r = p - (correct ? 1 : 0);
      const w = p * (1 - p);
      gradSlope += r * x;
      gradIntercept += r;
      hSS += w * x * x;
      hSI += w * x;
      hII += w;
    }
    const det = hSS * hII - hSI * hSI;
    if (!(Math.abs(det) > 1e-12)) break;
    const dSlope = (hII * gradSlope - hSI * gradIntercept) / det;
    const dIntercept = (hSS * gradIntercept - hSI * gradSlope) / det;
    slope -= dSlope;
    intercept -= dIntercept;
    if (Math.abs(dSlope) + Math.abs(dIntercept) < 1e-10) break;
  }
  return { slope, intercept };
};

/**
 * The calibration lowered (intercept only, so the curve keeps its shape) until every false
 * label of the set stays below `threshold − margin`. Unchanged when it already does.
 */
export const capFalseLabels = (c: Calibration, samples: readonly Pick<LabelledScore, 'score' | 'correct'>[], threshold = 75, margin = 1): Calibration => {
  const worst = Math.max(0, ...samples.filter((s) => !s.correct).map((s) => s.score));
  if (worst <= 0 || calibratedConfidence(worst, c) < threshold - margin) return c;
  const target = logit((threshold - margin) / 100); // slope·logit(worst) + intercept = target
  return { slope: c.slope, intercept: target - c.slope * logit(worst) };
};

export interface Evaluation {
  threshold: number;
  truePositives: number;
  /** Labels in the photos (the denominator of recall). */
  present: number;
  falseLabels: LabelledScore[];
  precision: number;
  recall: number;
}

/** Precision and recall of the labels reported at `threshold` or more. */
export const evaluate = (samples: readonly LabelledScore[], threshold: number, c: Calibration = CALIBRATION): Evaluation => {
  const reported = samples.filter((s) => calibratedConfidence(s.score, c) >= threshold);
  const truePositives = reported.filter((s) => s.correct).length;
  const present = samples.filter((s) => s.correct).length;
  return {
    threshold,
    truePositives,
    present,
    falseLabels: reported.filter((s) => !s.correct),
    precision: reported.length === 0 ? 1 : truePositives / reported.length,
    recall: present === 0 ? 1 : truePositives / present,
  };
};
