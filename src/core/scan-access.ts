import { DomainError } from './errors.js';
import type { LabelFilter } from './label-filter.js';
import type { Grouping, ScanPlan } from './scan-plan.js';

/**
 * Which index a scan reads (docs/data-model.md, "Scan planning"):
 * - a grouping → its group GSI (post/trip/location), records fetched by key;
 * - else a `>` filter → the label index: only images carrying that label above the
 *   threshold are read (the most selective `>` filter when there are several);
 * - else → the user index (labels projected, so no second read).
 * Every filter is still applied in memory to the records, so the answer never depends
 * on which path was taken — only its cost does. `<` filters cannot use the label index
 * ("no Ocean, or Ocean < 90" is mostly about images *without* a label).
 */
export type AccessPath =
  | { kind: 'user' }
  | { kind: 'group'; grouping: Grouping; groupingId: number }
  | { kind: 'label'; filter: LabelFilter };

export const MAX_PAGE_SIZE = 1000;
export const PAGE_PARAMETERS = ['limit', 'next_token'] as const;

export interface PageRequest {
  limit: number;
  nextToken: string | undefined;
}

const once = (name: string, values: string[] | undefined): string | undefined => {
  if (values === undefined) return undefined;
  if (values.length !== 1) throw new DomainError(name === 'limit' ? 'invalid_limit' : 'invalid_next_token', `${name} may be given once.`);
  return values[0];
};

/** `limit` (1–1000, default 1000) and `next_token` from the query string. */
export const parsePageRequest = (query: Record<string, string[] | undefined>): PageRequest => {
  const rawLimit = once('limit', query.limit);
  let limit = MAX_PAGE_SIZE;
  if (rawLimit !== undefined) {
    const t = rawLimit.trim();
    if (!/^\d{1,4}$/.test(t) || Number(t) < 1 || Number(t) > MAX_PAGE_SIZE) {
      throw new DomainError('invalid_limit', `limit must be an integer from 1 to ${MAX_PAGE_SIZE}, got "${rawLimit.slice(0, 40)}".`);
    }
    limit = Number(t);
  }
  const nextToken = once('next_token', query.next_token);
  if (nextToken !== undefined && nextToken.trim() === '') throw new DomainError('invalid_next_token', 'next_token is empty.');
  return { limit, nextToken };
};

/**
 * Number of images carrying the filter's label above its threshold, as far as a bounded
 * probe counted (undefined: not probed). Used only to pick among several `>` filters.
 */
export type SelectivityEstimate = (filter: LabelFilter) => number | undefined;

/** The cheapest access path for the plan; `estimate` (optional) ranks several `>` filters. */
export const chooseAccessPath = (plan: ScanPlan, estimate?: SelectivityEstimate): AccessPath => {
  if (plan.grouping !== 'user_id') return { kind: 'group', grouping: plan.grouping, groupingId: plan.groupingId };
  const above = plan.filters.filter((f) => f.operator === '>');
  if (!above.length) return { kind: 'user' };
  // Fewest estimated matches first; without an estimate, the higher threshold is the safer guess.
  const ranked = above
    .map((filter, i) => ({ filter, i, n: estimate?.(filter) ?? Number.POSITIVE_INFINITY }))
    .sort((a, b) => a.n - b.n || b.filter.confidence_threshold - a.filter.confidence_threshold || a.i - b.i);
  return { kind: 'label', filter: ranked[0]!.filter };
};

/** A short stable name of the path, pinned in the page token. */
export const accessPathId = (p: AccessPath): string =>
  p.kind === 'label' ? `label:${p.filter.name}>${p.filter.confidence_threshold}` : p.kind === 'group' ? p.grouping : 'user';

/** The path a token pinned, if it is one this plan could take. */
export const pinnedAccessPath = (plan: ScanPlan, id: string): AccessPath | undefined => {
  const candidates: AccessPath[] =
    plan.grouping !== 'user_id'
      ? [chooseAccessPath(plan)]
      : [{ kind: 'user' }, ...plan.filters.filter((f) => f.operator === '>').map((filter) => ({ kind: 'label' as const, filter }))];
  return candidates.find((p) => accessPathId(p) === id);
};

/** The query a page token is bound to: grouping and filters, not the page size. */
export const queryFingerprint = (plan: ScanPlan): string =>
  JSON.stringify([plan.grouping, plan.groupingId, plan.filters.map((f) => [f.name, f.operator, f.confidence_threshold])]);

/** True when the label index alone answers the query exactly (so it can also count it). */
export const indexAnswersExactly = (plan: ScanPlan, path: AccessPath): boolean => path.kind === 'label' && plan.filters.length === 1;
