import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calibratedConfidence, capFalseLabels, evaluate, fitPlatt, type LabelledScore } from '../../../src/adapters/local-label-detector/calibration.js';

/** Deterministic pseudo-random numbers (a fixed LCG): the fit test must not depend on luck. */
const random = (seed: number) => () => ((seed = (seed * 1664525 + 1013904223) % 2 ** 32) / 2 ** 32);

describe('calibratedConfidence', () => {
  it('maps raw scores to 0–100, monotonically, with 0 and 1 at the ends', () => {
    expect(calibratedConfidence(0)).toBe(0);
    expect(calibratedConfidence(-1)).toBe(0);
    expect(calibratedConfidence(Number.NaN)).toBe(0);
    expect(calibratedConfidence(1)).toBe(100);
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 0.999, noNaN: true }), fc.double({ min: 0.001, max: 0.999, noNaN: true }), (a, b) => {
        const [lo, hi] = a < b ? [a, b] : [b, a];
        expect(calibratedConfidence(lo)).toBeLessThanOrEqual(calibratedConfidence(hi));
        expect(calibratedConfidence(lo)).toBeGreaterThan(0);
        expect(calibratedConfidence(hi)).toBeLessThan(100);
      }),
    );
  });
});

describe('fitPlatt', () => {
  it('recovers the curve that generated the labels', () => {
    const next = random(7);
    const truth = { slope: 2.5, intercept: -0.5 };
    const samples = Array.from({ length: 4000 }, () => {
      const score = 0.02 + 0.96 * next();
      return { score, correct: next() * 100 < calibratedConfidence(score, truth) };
    });
    const fitted = fitPlatt(samples);
    expect(fitted.slope).toBeCloseTo(truth.slope, 0);
    expect(fitted.intercept).toBeCloseTo(truth.intercept, 0);
  });

  it('stays finite when the set separates perfectly, and refuses a set with one kind only', () => {
    const separated = [0.1, 0.2, 0.3].map((score) => ({ score, correct: false })).concat([0.6, 0.7].map((score) => ({ score, correct: true })));
    const fitted = fitPlatt(separated);
    expect(Number.isFinite(fitted.slope) && Number.isFinite(fitted.intercept)).toBe(true);
    expect(calibratedConfidence(0.7, fitted)).toBeGreaterThan(calibratedConfidence(0.3, fitted));
    expect(() => fitPlatt([{ score: 0.5, correct: true }])).toThrow(RangeError);
  });
});

describe('capFalseLabels and evaluate', () => {
  const s = (photo: string, label: string, score: number, correct: boolean): LabelledScore => ({ photo, label, score, correct });
  const set = [s('a', 'Dog', 0.7, true), s('b', 'Cat', 0.62, false), s('c', 'Cup', 0.4, true), s('d', 'Kite', 0.2, false)];
  const generous = { slope: 3, intercept: 2 }; // puts the false Cat well above 75

  it('lowers the curve until no false label reaches the threshold, keeping its slope', () => {
    expect(evaluate(set, 75, generous).falseLabels.map((f) => f.label)).toEqual(['Cat']);
    const capped = capFalseLabels(generous, set);
    expect(capped.slope).toBe(generous.slope);
    expect(calibratedConfidence(0.62, capped)).toBeCloseTo(74, 6);
    expect(evaluate(set, 75, capped).falseLabels).toEqual([]);
    expect(capFalseLabels(capped, set)).toEqual(capped); // already fine: unchanged
  });

  it('counts recall over the labels present and precision over the labels reported', () => {
    const e = evaluate(set, 50, generous);
    expect(e.present).toBe(2);
    expect(e.truePositives).toBe(2);
    expect(e.falseLabels.map((f) => f.label)).toEqual(['Cat']);
    expect(e.precision).toBeCloseTo(2 / 3, 10);
    expect(e.recall).toBe(1);
    expect(evaluate(set, 101, generous)).toMatchObject({ truePositives: 0, precision: 1, recall: 0 });
  });
});
