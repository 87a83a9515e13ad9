import { describe, it, expect } from 'vitest';
import { confidenceOf, keepLabels, sameLabel, type Label } from '../../src/core/labels.js';

const L = (name: string, confidence: number, parents: string[] = []): Label => ({ name, confidence, parents });

describe('sameLabel', () => {
  it('compares case-insensitively and ignores surrounding whitespace', () => {
    expect(sameLabel('Beach', 'beach')).toBe(true);
    expect(sameLabel('SEA LION', 'sea lion')).toBe(true);
    expect(sameLabel(' cat ', 'Cat')).toBe(true);
  });
  it('distinguishes different names', () => {
    expect(sameLabel('cat', 'cats')).toBe(false);
    expect(sameLabel('sea lion', 'sealion')).toBe(false);
  });
});

describe('confidenceOf', () => {
  it('returns the confidence of a label by name, case-insensitively', () => {
    expect(confidenceOf([L('Beach', 97.1), L('Sea', 80)], 'beach')).toBe(97.1);
    expect(confidenceOf([L('beach', 97.1)], 'BEACH')).toBe(97.1);
  });
  it('returns the highest confidence when a name appears more than once', () => {
    expect(confidenceOf([L('Cat', 60), L('cat', 92), L('CAT', 70)], 'cat')).toBe(92);
  });
  it('returns undefined when absent', () => {
    expect(confidenceOf([L('Dog', 99)], 'cat')).toBeUndefined();
    expect(confidenceOf([], 'cat')).toBeUndefined();
  });
});

describe('keepLabels', () => {
  it('keeps labels at or above the minimum, highest first', () => {
    const kept = keepLabels([L('Sand', 75), L('Beach', 97.12, ['Nature']), L('Dog', 74.99), L('Sea', 88)], 75);
    expect(kept).toEqual([L('Beach', 97.12, ['Nature']), L('Sea', 88), L('Sand', 75)]);
  });

  it('rounds confidences to two decimals', () => {
    expect(keepLabels([L('Beach', 97.123456)], 75)).toEqual([L('Beach', 97.12)]);
    expect(keepLabels([L('Beach', 97.126)], 75)).toEqual([L('Beach', 97.13)]);
  });

  it('breaks ties by name', () => {
    expect(keepLabels([L('b', 80), L('a', 80)], 0).map((l) => l.name)).toEqual(['a', 'b']);
  });

  it('returns an empty list when nothing reaches the minimum', () => {
    expect(keepLabels([L('Beach', 10)], 75)).toEqual([]);
  });

  it('does not mutate or alias its input', () => {
    const input = [L('Sea', 80, ['Water']), L('Beach', 90)];
    const snapshot = structuredClone(input);
    const kept = keepLabels(input, 0);
    expect(input).toEqual(snapshot);
    kept[0]!.parents.push('X');
    expect(input[1]!.parents).toEqual([]);
    expect(input[0]!.parents).toEqual(['Water']);
  });
});

describe('confidenceOf ignores non-finite confidences', () => {
  it('a NaN before a real match does not hide it', () => {
    expect(confidenceOf([{ name: 'cat', confidence: NaN, parents: [] }, { name: 'Cat', confidence: 95, parents: [] }], 'CAT')).toBe(95);
  });
});
