import type { Verdict } from '../wire/constants.js';
import { confidenceOf, keepLabels, type Label } from './labels.js';

export type { Verdict } from '../wire/constants.js';

export interface ModerationPolicy {
  minConfidence: number;
  censoredLabel: string;
  rejectedThreshold: number;
  underReviewThreshold: number;
}

/**
 * The detector must report labels down to this confidence: the censored label
 * has to be seen at the under-review threshold even when that is below MIN_CONFIDENCE.
 */
export const detectionFloor = (p: ModerationPolicy): number => Math.min(p.minConfidence, p.underReviewThreshold);

export interface Moderated {
  status: Verdict;
  labels: Label[];
  /** Highest confidence of the censored label seen (even below MIN_CONFIDENCE), null when unseen. */
  censoredConfidence: number | null;
}

/** Turns what the detector saw into the stored labels and a moderation verdict. */
export const moderate = (detected: readonly Label[], p: ModerationPolicy): Moderated => {
  const censored = confidenceOf(detected, p.censoredLabel);
  const status: Verdict =
    censored !== undefined && censored >= p.rejectedThreshold
      ? 'rejected'
      : censored !== undefined && censored >= p.underReviewThreshold
        ? 'under_review'
        : 'approved';
  return { status, labels: keepLabels(detected, p.minConfidence), censoredConfidence: censored ?? null };
};

/** Why a record is `under_review` or `rejected`, for its owner (SPEC §3.7). */
export interface ModerationReason {
  label: string;
  confidence: number;
  threshold: number;
}

/** The censored label, the confidence it was seen with, and the threshold it reached; undefined when approved. */
export const moderationReason = (m: Pick<Moderated, 'status' | 'censoredConfidence'>, p: ModerationPolicy): ModerationReason | undefined => {
  if (m.status === 'approved' || m.censoredConfidence === null) return undefined;
  return {
    label: p.censoredLabel,
    confidence: m.censoredConfidence,
    threshold: m.status === 'rejected' ? p.rejectedThreshold : p.underReviewThreshold,
  };
};
