import type * as z from 'zod/mini';
import { LABEL_FILTER_PATTERN, MAX_FILTER_LENGTH } from '../wire/constants.js';
import type { LabelFilter as LabelFilterSchema } from '../wire/scan.js';
import { DomainError } from './errors.js';
import { confidenceOf, type Label } from './labels.js';

export type LabelFilter = z.output<typeof LabelFilterSchema>;

export const parseLabelFilter = (raw: string): LabelFilter => {
  const m = raw.length <= MAX_FILTER_LENGTH ? LABEL_FILTER_PATTERN.exec(raw) : null;
  if (!m) {
    throw new DomainError(
      'invalid_filter',
      `Invalid label filter "${raw.slice(0, 120)}": expected <name><op><value> with op ">" or "<", e.g. label=beach>80.`,
    );
  }
  const [, name, operator, value] = m as unknown as [string, string, '>' | '<', string];
  const threshold = Number(value);
  if (!(threshold >= 0 && threshold <= 100)) {
    throw new DomainError('invalid_filter', `Invalid label filter "${raw.slice(0, 120)}": value must be between 0 and 100.`);
  }
  return { name: name.toLowerCase(), operator, confidence_threshold: threshold };
};

/**
 * `>`: the label is present with confidence above the threshold.
 * `<`: the label is absent, or present with confidence below the threshold.
 */
export const matchesFilter = (labels: readonly Label[], f: LabelFilter): boolean => {
  const c = confidenceOf(labels, f.name);
  return f.operator === '>' ? c !== undefined && c > f.confidence_threshold : c === undefined || c < f.confidence_threshold;
};

export const matchesAll = (labels: readonly Label[], filters: readonly LabelFilter[]): boolean =>
  filters.every((f) => matchesFilter(labels, f));
