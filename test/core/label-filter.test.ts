import { describe, it, expect } from 'vitest';
import { matchesAll, matchesFilter, parseLabelFilter, type LabelFilter } from '../../src/core/label-filter.js';
import type { Label } from '../../src/core/labels.js';
import { expectDomainError } from '../helpers/domain-errors.js';

const L = (name: string, confidence: number): Label => ({ name, confidence, parents: [] });
const F = (name: string, operator: '>' | '<', confidence_threshold: number): LabelFilter => ({ name, operator, confidence_threshold });

describe('parseLabelFilter', () => {
  it('parses beach>80', () => {
    expect(parseLabelFilter('beach>80')).toEqual({ name: 'beach', operator: '>', confidence_threshold: 80 });
  });

  it('parses ocean<90', () => {
    expect(parseLabelFilter('ocean<90')).toEqual({ name: 'ocean', operator: '<', confidence_threshold: 90 });
  });

  it('lower-cases the name', () => {
    expect(parseLabelFilter('Beach>80').name).toBe('beach');
  });

  it('accepts multi-word names and surrounding whitespace', () => {
    expect(parseLabelFilter('Sea Lion > 50')).toEqual({ name: 'sea lion', operator: '>', confidence_threshold: 50 });
    expect(parseLabelFilter('  beach<1  ')).toEqual({ name: 'beach', operator: '<', confidence_threshold: 1 });
  });

  it('accepts decimals and the bounds 0 and 100', () => {
    expect(parseLabelFilter('beach>80.5').confidence_threshold).toBe(80.5);
    expect(parseLabelFilter('beach>0').confidence_threshold).toBe(0);
    expect(parseLabelFilter('beach<100').confidence_threshold).toBe(100);
    expect(parseLabelFilter('beach<100.0').confidence_threshold).toBe(100);
    expect(parseLabelFilter('beach>080').confidence_threshold).toBe(80);
  });

  it.each([
    'beach>=80',
    'beach<=80',
    'beach=80',
    'beach',
    '>80',
    '<80',
    '',
    'beach>101',
    'beach>100.01',
    'beach>1000',
    'beach>-1',
    'beach>abc',
    'beach>',
    'beach>80>90',
    'beach<>80',
    'beach>8 0',
    'beach>1e2',
    'beach>.5',
    'beach>80.',
    'beach>+80',
    `${'a'.repeat(101)}>80`,
  ])('rejects %j with invalid_filter (400)', (raw) => {
    const err = expectDomainError(() => parseLabelFilter(raw), 'invalid_filter');
    expect(err.status).toBe(400);
  });

  it('accepts a 100-character name', () => {
    expect(parseLabelFilter(`${'a'.repeat(100)}>80`).name).toBe('a'.repeat(100));
  });
});

describe('matchesFilter', () => {
  const labels = [L('Beach', 97.12), L('Ocean', 85), L('Sand', 75)];

  it('">": present with confidence above the threshold', () => {
    expect(matchesFilter(labels, F('beach', '>', 80))).toBe(true);
    expect(matchesFilter(labels, F('ocean', '>', 90))).toBe(false);
    expect(matchesFilter(labels, F('ocean', '>', 85))).toBe(false); // strict
    expect(matchesFilter(labels, F('dog', '>', 0))).toBe(false); // absent
  });

  it('"<": absent, or present below the threshold', () => {
    expect(matchesFilter(labels, F('ocean', '<', 90))).toBe(true);
    expect(matchesFilter(labels, F('ocean', '<', 85))).toBe(false); // strict
    expect(matchesFilter(labels, F('beach', '<', 90))).toBe(false);
    expect(matchesFilter(labels, F('dog', '<', 0))).toBe(true); // absent
    expect(matchesFilter([], F('dog', '<', 50))).toBe(true);
  });

  it('matches names case-insensitively', () => {
    expect(matchesFilter(labels, F('BEACH', '>', 80))).toBe(true);
    expect(matchesFilter([L('SEA LION', 90)], parseLabelFilter('Sea Lion>80'))).toBe(true);
    expect(matchesFilter([L('beach', 90)], F('Beach', '<', 95))).toBe(true);
  });
});

describe('matchesAll', () => {
  const labels = [L('Beach', 97), L('Ocean', 85)];
  it('AND-s filters', () => {
    expect(matchesAll(labels, [F('beach', '>', 80), F('ocean', '<', 90)])).toBe(true);
    expect(matchesAll(labels, [F('beach', '>', 80), F('ocean', '<', 80)])).toBe(false);
    expect(matchesAll(labels, [F('dog', '>', 1), F('beach', '>', 80)])).toBe(false);
  });
  it('is true with no filters', () => {
    expect(matchesAll([], [])).toBe(true);
  });
});

describe('parseLabelFilter refuses what would hurt', () => {
  it('refuses a name made only of whitespace', () => {
    expectDomainError(() => parseLabelFilter(' >80'), 'invalid_filter');
    expectDomainError(() => parseLabelFilter('\t<5'), 'invalid_filter');
  });

  it('refuses over-long input before matching (no quadratic backtracking)', () => {
    expectDomainError(() => parseLabelFilter(' '.repeat(10_000)), 'invalid_filter');
    expectDomainError(() => parseLabelFilter(`${'a'.repeat(300)}>5`), 'invalid_filter');
  });
});
