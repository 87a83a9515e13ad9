/**
 * A typed query for `GET /scan`: at most one grouping (a second one does not
 * compile), and label filters that are AND-ed.
 *
 * ```ts
 * await client.scan({ post_id: 123, labels: ['beach>80', ['ocean', '<', 90]] });
 * await client.scan(ScanQuery.byTrip(3).where('beach', '>', 80).where('cat', '<', 50));
 * ```
 */

export type LabelOperator = '>' | '<';
/** `beach>80`, `ocean<90.5`. */
export type LabelFilterString = `${string}${LabelOperator}${number}`;
/** A filter as a string or as a `[name, operator, confidence]` triple. */
export type LabelFilterInput = LabelFilterString | readonly [name: string, operator: LabelOperator, confidence: number];

export type GroupingName = 'post_id' | 'trip_id' | 'location_id';

type Only<K extends GroupingName> = { [G in K]: number } & { [G in Exclude<GroupingName, K>]?: never };

/** Plain-object form: one of `post_id` / `trip_id` / `location_id` (or none), plus `labels`. */
export type ScanParams = (Only<'post_id'> | Only<'trip_id'> | Only<'location_id'> | { [G in GroupingName]?: never }) & {
  labels?: readonly LabelFilterInput[];
};

const checkId = (name: string, id: number) => {
  if (!Number.isSafeInteger(id) || id < 1) throw new RangeError(`${name} must be a positive integer, got ${id}`);
  return id;
};

/** Formats one filter for the query string; triples are checked (operator, 0–100). */
export const formatLabelFilter = (f: LabelFilterInput): string => {
  if (typeof f === 'string') return f;
  const [name, operator, confidence] = f;
  if (!name.trim() || /[<>=]/.test(name)) throw new RangeError(`Invalid label name "${name}"`);
  if (operator !== '>' && operator !== '<') throw new RangeError(`Label operator must be ">" or "<", got "${operator as string}"`);
  if (!(Number.isFinite(confidence) && confidence >= 0 && confidence <= 100)) {
    throw new RangeError(`Label confidence must be between 0 and 100, got ${confidence}`);
  }
  return `${name.trim()}${operator}${confidence}`;
};

/** An immutable `/scan` query. */
export class ScanQuery {
  private constructor(
    readonly grouping: { name: GroupingName; id: number } | undefined,
    readonly labels: readonly string[],
  ) {}

  /** Every image of the token user. */
  static all(): ScanQuery {
    return new ScanQuery(undefined, []);
  }
  static byPost(postId: number): ScanQuery {
    return new ScanQuery({ name: 'post_id', id: checkId('post_id', postId) }, []);
  }
  static byTrip(tripId: number): ScanQuery {
    return new ScanQuery({ name: 'trip_id', id: checkId('trip_id', tripId) }, []);
  }
  static byLocation(locationId: number): ScanQuery {
    return new ScanQuery({ name: 'location_id', id: checkId('location_id', locationId) }, []);
  }
  static from(params: ScanParams | ScanQuery = {}): ScanQuery {
    if (params instanceof ScanQuery) return params;
    const given = (['post_id', 'trip_id', 'location_id'] as const).filter((g) => params[g] !== undefined);
    if (given.length > 1) throw new RangeError(`At most one of post_id, trip_id, location_id; got ${given.join(', ')}`);
    const g = given[0];
    const base = g ? new ScanQuery({ name: g, id: checkId(g, params[g] as number) }, []) : ScanQuery.all();
    return (params.labels ?? []).reduce<ScanQuery>((q, f) => q.label(f), base);
  }

  /** Adds a filter: `where('beach', '>', 80)` = has Beach above 80; `where('ocean', '<', 90)` = no Ocean or below 90. */
  where(name: string, operator: LabelOperator, confidence: number): ScanQuery {
    return this.label([name, operator, confidence]);
  }

  /** Adds a filter given as `'beach>80'` or `['beach', '>', 80]`. */
  label(filter: LabelFilterInput): ScanQuery {
    return new ScanQuery(this.grouping, [...this.labels, formatLabelFilter(filter)]);
  }

  toSearchParams(): URLSearchParams {
    const p = new URLSearchParams();
    if (this.grouping) p.set(this.grouping.name, String(this.grouping.id));
    for (const l of this.labels) p.append('label', l);
    return p;
  }

  /** The query string, without `?` (empty for all images, no filters). */
  toString(): string {
    return this.toSearchParams().toString();
  }
}
