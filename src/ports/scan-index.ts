import type { LabelFilter } from '../core/label-filter.js';
import type { AccessPath } from '../core/scan-access.js';
import type { PageSource } from '../core/scan-page.js';
import type { ScanPlan } from '../core/scan-plan.js';

/** The read side of `GET /scan`: one index per access path, read in key order. */
export interface ScanIndex {
  source(userId: string, path: AccessPath): PageSource;
  /** Every match, counted on the index alone when it answers the query exactly; undefined otherwise. */
  countExactly(userId: string, plan: ScanPlan, path: AccessPath, nowMs: number): Promise<number | undefined>;
  /** How many images carry the filter's label above its threshold, counting at most `cap`. */
  estimate(userId: string, filter: LabelFilter, cap: number): Promise<number>;
}
