import { DomainError } from './errors.js';
import { parseLabelFilter, type LabelFilter } from './label-filter.js';
import type { ImageRecord } from './image-record.js';

import type * as z from 'zod/mini';
import { GROUPINGS, MAX_FILTERS, type Grouping } from '../wire/constants.js';
import type { ScanResult } from '../wire/scan.js';

export { GROUPINGS, MAX_FILTERS, type Grouping } from '../wire/constants.js';
/** The parameters of src/wire/scan.ts's ScanParameters (kept as plain values: no schema code in this bundle); page parameters are read by src/core/scan-access.ts. */
const KNOWN = new Set<string>([...GROUPINGS, 'label', 'limit', 'next_token']);

export type ScanPlan =
  | { grouping: 'user_id'; groupingId: string; filters: LabelFilter[] }
  | { grouping: Grouping; groupingId: number; filters: LabelFilter[] };

const parseGroupingId = (name: string, values: string[]): number => {
  if (values.length !== 1) throw new DomainError('bad_request', `${name} may be given once.`);
  const raw = values[0]!.trim();
  if (!/^\d{1,16}$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
    throw new DomainError('bad_request', `${name} must be a positive integer, got "${raw.slice(0, 40)}".`);
  }
  return Number(raw);
};

/**
 * Plans a scan from the query string (multi-value form). At most one grouping;
 * every other parameter but `label` is refused so typos never widen a search.
 */
export const planScan = (userId: string, query: Record<string, string[] | undefined>): ScanPlan => {
  const present = Object.entries(query).filter(([, v]) => v !== undefined) as [string, string[]][];
  const unknown = present.map(([k]) => k).filter((k) => !KNOWN.has(k));
  if (unknown.length) {
    throw new DomainError(
      'unknown_parameter',
      `Unknown query parameter(s): ${unknown.map((k) => k.slice(0, 40)).join(', ')}; accepted: ${[...KNOWN].join(', ')}.`,
    );
  }
  const groupings = present.filter(([k]) => (GROUPINGS as readonly string[]).includes(k));
  if (groupings.length > 1) {
    throw new DomainError('bad_request', `At most one of post_id, trip_id, location_id may be given; got ${groupings.map(([k]) => k).join(', ')}.`);
  }
  const labels = query.label ?? [];
  if (labels.length > MAX_FILTERS) throw new DomainError('invalid_filter', `At most ${MAX_FILTERS} label filters are accepted.`);
  const filters = labels.map(parseLabelFilter);
  const [grouping] = groupings;
  if (!grouping) return { grouping: 'user_id', groupingId: userId, filters };
  return { grouping: grouping[0] as Grouping, groupingId: parseGroupingId(grouping[0], grouping[1]), filters };
};

export type ScanCandidate = Pick<ImageRecord, 'file_name' | 'status' | 'rekognition_results' | 'expires_at'>;

export const scanResponse = (plan: ScanPlan, page: { images: string[]; totalCount: number; nextToken: string | null }): z.output<typeof ScanResult> => {
  const rest = { filters: plan.filters, total_count: page.totalCount, images: page.images, next_token: page.nextToken };
  return plan.grouping === 'user_id'
    ? { grouping: plan.grouping, grouping_id: plan.groupingId, ...rest }
    : { grouping: plan.grouping, grouping_id: plan.groupingId, ...rest };
};
