import type * as z from 'zod/mini';
import type { Label as LabelSchema } from '../wire/common.js';

/** A label as stored and returned: Rekognition's shape, flattened. */
export type Label = z.output<typeof LabelSchema>;

export const sameLabel = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Confidence of a label by name (case-insensitive), or undefined when absent. */
export const confidenceOf = (labels: readonly Label[], name: string): number | undefined => {
  let best: number | undefined;
  for (const l of labels) if (sameLabel(l.name, name) && Number.isFinite(l.confidence) && (best === undefined || l.confidence > best)) best = l.confidence;
  return best;
};

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Labels kept on a record: at or above `minConfidence`, highest first, two decimals. */
export const keepLabels = (labels: readonly Label[], minConfidence: number): Label[] =>
  labels
    .filter((l) => l.confidence >= minConfidence)
    .map((l) => ({ name: l.name, confidence: round2(l.confidence), parents: [...l.parents] }))
    .sort((a, b) => b.confidence - a.confidence || a.name.localeCompare(b.name));
