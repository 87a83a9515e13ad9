import { isAnalysed, isExpired } from './image-record.js';
import { matchesAll, type LabelFilter } from './label-filter.js';
import type { ScanCandidate } from './scan-plan.js';

/**
 * Assembling one page of `GET /scan` from an index read in key order (keyset paging).
 * No I/O here: the index and the records are read through the `PageSource` callbacks.
 *
 * Pages never overlap or skip: a page ends at the key of the last image it returns and
 * the next one starts strictly after that key in the same index, whose order is total and
 * stable (index key, then table key). An image added later sorts either before the
 * cursor (not shown on later pages) or after it (shown) — never both, never twice.
 */
export type IndexKey = Record<string, string>;

/** One item of the index: its full key (index + table keys) and the image it stands for. */
export interface IndexEntry {
  key: IndexKey;
  imageKey: string;
}

export interface PageSource {
  /** Up to `limit` entries strictly after `after` (from the start without it); `lastKey` when more may follow. */
  read(after: IndexKey | undefined, limit: number): Promise<{ entries: IndexEntry[]; lastKey?: IndexKey }>;
  /** The records of these images (deduplicated), keyed by image key; absent ones are gone. */
  records(imageKeys: string[]): Promise<Map<string, ScanCandidate>>;
  /** The image key of an index key this source produced (to skip a repeated image after a cursor). */
  imageKeyOf(key: IndexKey): string;
}

/** What the scan lists: uploaded images (not waiting, not expired); with filters, analysed and matching. */
export const isListed = (r: ScanCandidate | undefined, filters: readonly LabelFilter[], nowMs: number): r is ScanCandidate =>
  !!r &&
  r.status !== 'waiting' &&
  (r.status as string) !== 'deleted' &&
  !isExpired(r, nowMs) &&
  (!filters.length || (isAnalysed(r.status) && matchesAll(r.rekognition_results ?? [], filters)));

export interface Page {
  images: string[];
  /** Key of the last image returned when more matches follow; undefined on the last page. */
  next?: IndexKey;
}

const MAX_READ = 1000;

/**
 * Reads entries after `after` until `limit` matches plus one more are found (so the last
 * page is known to be last) or the index ends. Reads grow with the matches when the
 * index selects them (label index), with the candidates otherwise.
 */
export const collectPage = async (
  source: PageSource,
  o: { limit: number; after?: IndexKey; filters: readonly LabelFilter[]; nowMs: number },
): Promise<Page> => {
  const seen = new Set<string>(o.after ? [source.imageKeyOf(o.after)] : []);
  const found: { fileName: string; key: IndexKey }[] = [];
  let cursor = o.after;
  let batch = o.limit + 1;
  for (;;) {
    const { entries, lastKey } = await source.read(cursor, Math.min(MAX_READ, batch));
    const fresh = entries.filter((e) => !seen.has(e.imageKey));
    const records = fresh.length ? await source.records([...new Set(fresh.map((e) => e.imageKey))]) : new Map<string, ScanCandidate>();
    for (const e of entries) {
      if (seen.has(e.imageKey)) continue;
      seen.add(e.imageKey);
      const r = records.get(e.imageKey);
      if (!isListed(r, o.filters, o.nowMs)) continue;
      found.push({ fileName: r.file_name, key: e.key });
      if (found.length > o.limit) {
        return { images: found.slice(0, o.limit).map((f) => f.fileName), next: found[o.limit - 1]!.key };
      }
    }
    if (!lastKey) return { images: found.map((f) => f.fileName) };
    cursor = lastKey;
    // Later reads grow: what was read past the cursor is read again by the next page.
    batch = Math.max(o.limit + 1 - found.length, batch * 2);
  }
};

/** Counts the matches after `after` by reading on to the end of the index (the fallback count). */
export const countAfter = async (
  source: PageSource,
  o: { after: IndexKey; filters: readonly LabelFilter[]; nowMs: number },
): Promise<number> => {
  let n = 0;
  let after: IndexKey | undefined = o.after;
  while (after) {
    const page = await collectPage(source, { limit: MAX_READ, after, filters: o.filters, nowMs: o.nowMs });
    n += page.images.length;
    after = page.next;
  }
  return n;
};
