import { DomainError } from '../core/errors.js';
import { decodePageToken, encodePageToken, type PagePosition } from '../core/page-token.js';
import { accessPathId, chooseAccessPath, pinnedAccessPath, queryFingerprint, type AccessPath, type PageRequest } from '../core/scan-access.js';
import { collectPage, countAfter } from '../core/scan-page.js';
import type { ScanPlan } from '../core/scan-plan.js';
import type { ScanIndex } from '../ports/scan-index.js';

/** Several `>` filters: each is probed with one COUNT query reading at most this many index items. */
export const SELECTIVITY_PROBE = 50;

/** The page tokens' HMAC key, or a way to get it (a secret read on AWS, cached by the reader). */
export type PageTokenKey = Buffer | (() => Promise<Buffer>);
const keyOf = (k: PageTokenKey) => (Buffer.isBuffer(k) ? Promise.resolve(k) : k());

export interface ScanPageResult {
  images: string[];
  totalCount: number;
  nextToken: string | null;
}

/**
 * One page of `GET /scan`: the access path (pinned by the token after the first page),
 * the page itself, `total_count` (counted on the first page, carried by the token) and
 * the authenticated token of the next page.
 */
export const scanPage = async (
  deps: { index: ScanIndex; tokenKey: PageTokenKey },
  userId: string,
  plan: ScanPlan,
  page: PageRequest,
  nowMs: number,
): Promise<ScanPageResult> => {
  const query = queryFingerprint(plan);
  let position: PagePosition | undefined;
  let path: AccessPath | undefined;
  if (page.nextToken !== undefined) {
    position = decodePageToken(await keyOf(deps.tokenKey), userId, query, page.nextToken);
    path = pinnedAccessPath(plan, position.path);
    if (!path) throw new DomainError('invalid_next_token', 'Invalid next_token: it does not belong to this query.');
  } else {
    path = await choose(deps.index, userId, plan);
  }
  const source = deps.index.source(userId, path);
  const { images, next } = await collectPage(source, { limit: page.limit, after: position?.after, filters: plan.filters, nowMs });
  let total = position?.total;
  if (total === undefined) {
    total = next
      ? ((await deps.index.countExactly(userId, plan, path, nowMs)) ??
        images.length + (await countAfter(source, { after: next, filters: plan.filters, nowMs })))
      : images.length;
  }
  const nextToken = next ? encodePageToken(await keyOf(deps.tokenKey), userId, query, { path: accessPathId(path), after: next, total }) : null;
  return { images, totalCount: total, nextToken };
};

const choose = async (index: ScanIndex, userId: string, plan: ScanPlan): Promise<AccessPath> => {
  const above = plan.filters.filter((f) => f.operator === '>');
  if (plan.grouping !== 'user_id' || above.length < 2) return chooseAccessPath(plan);
  const counts = new Map(await Promise.all(above.map(async (f) => [f, await index.estimate(userId, f, SELECTIVITY_PROBE)] as const)));
  return chooseAccessPath(plan, (f) => counts.get(f));
};
