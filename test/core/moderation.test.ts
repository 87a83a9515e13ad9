import { describe, it, expect } from 'vitest';
import { detectionFloor, moderate, moderationReason, type ModerationPolicy } from '../../src/core/moderation.js';
import type { Label } from '../../src/core/labels.js';

const L = (name: string, confidence: number): Label => ({ name, confidence, parents: [] });
const POLICY: ModerationPolicy = { minConfidence: 75, censoredLabel: 'cat', rejectedThreshold: 90, underReviewThreshold: 50 };

describe('moderate', () => {
  it.each([
    [95, 'rejected'],
    [90, 'rejected'],
    [89.99, 'under_review'],
    [75, 'under_review'],
    [60, 'under_review'],
    [50, 'under_review'],
    [49.99, 'approved'],
    [0, 'approved'],
  ] as const)('cat at %d → %s', (confidence, status) => {
    const r = moderate([L('Cat', confidence), L('Beach', 97)], POLICY);
    expect(r.status).toBe(status);
    expect(r.censoredConfidence).toBe(confidence);
  });

  it('approves an image without the censored label and reports it unseen', () => {
    const r = moderate([L('Beach', 97), L('Sea', 80)], POLICY);
    expect(r).toEqual({ status: 'approved', labels: [L('Beach', 97), L('Sea', 80)], censoredConfidence: null });
  });

  it('sees the censored label below MIN_CONFIDENCE but does not store it', () => {
    const r = moderate([L('Cat', 60), L('Beach', 97), L('Animal', 60)], POLICY);
    expect(r.status).toBe('under_review');
    expect(r.censoredConfidence).toBe(60);
    expect(r.labels.map((l) => l.name)).toEqual(['Beach']);
  });

  it('stores the censored label when it reaches MIN_CONFIDENCE', () => {
    const r = moderate([L('Cat', 95), L('Beach', 80)], POLICY);
    expect(r.status).toBe('rejected');
    expect(r.labels).toEqual([L('Cat', 95), L('Beach', 80)]);
  });

  it('matches the censored label case-insensitively and uses its highest confidence', () => {
    expect(moderate([L('CAT', 91)], POLICY).status).toBe('rejected');
    expect(moderate([L('cat', 40), L('Cat', 91)], POLICY).status).toBe('rejected');
    expect(moderate([L('Cat', 91)], { ...POLICY, censoredLabel: 'CAT' }).status).toBe('rejected');
  });

  it('honours a configured censored label', () => {
    const policy = { ...POLICY, censoredLabel: 'Dog' };
    expect(moderate([L('Cat', 99)], policy).status).toBe('approved');
    expect(moderate([L('dog', 70)], policy).status).toBe('under_review');
  });

  it('honours configured thresholds', () => {
    const policy = { ...POLICY, rejectedThreshold: 60, underReviewThreshold: 30 };
    expect(moderate([L('Cat', 60)], policy).status).toBe('rejected');
    expect(moderate([L('Cat', 30)], policy).status).toBe('under_review');
    expect(moderate([L('Cat', 29.9)], policy).status).toBe('approved');
  });

  it('stores labels sorted by confidence, highest first', () => {
    const r = moderate([L('A', 76), L('B', 99), L('C', 80)], POLICY);
    expect(r.labels.map((l) => l.name)).toEqual(['B', 'C', 'A']);
  });
});

describe('detectionFloor', () => {
  it('is the lower of MIN_CONFIDENCE and the under-review threshold', () => {
    expect(detectionFloor(POLICY)).toBe(50);
    expect(detectionFloor({ ...POLICY, minConfidence: 40 })).toBe(40);
  });
});

describe('moderationReason', () => {
  it('names the censored label, its confidence and the threshold it reached', () => {
    expect(moderationReason(moderate([L('Cat', 93.5)], POLICY), POLICY)).toEqual({ label: 'cat', confidence: 93.5, threshold: 90 });
    expect(moderationReason(moderate([L('Cat', 61)], POLICY), POLICY)).toEqual({ label: 'cat', confidence: 61, threshold: 50 });
  });
  it('is undefined for an approved image, even with the label seen below the thresholds', () => {
    expect(moderationReason(moderate([L('Cat', 20)], POLICY), POLICY)).toBeUndefined();
    expect(moderationReason(moderate([L('Beach', 99)], POLICY), POLICY)).toBeUndefined();
  });
});
