/** The search form → a `/scan` query (the client's ScanQuery), with a message per invalid field. */
import { ScanQuery, type LabelOperator } from './api.js';

export type Grouping = 'all' | 'post_id' | 'trip_id' | 'location_id';

/** Results per `GET /scan` page; "Load more" fetches the next. */
export const SEARCH_PAGE = 48;

export interface FilterRow {
  id: number;
  name: string;
  operator: LabelOperator;
  value: number | string;
}

export interface SearchForm {
  grouping: Grouping;
  groupId: number | string;
  filters: FilterRow[];
}

export type FieldErrors = Record<string, string>;

export const GROUPINGS: { value: Grouping; label: string }[] = [
  { value: 'all', label: 'All my images' },
  { value: 'post_id', label: 'Post' },
  { value: 'trip_id', label: 'Trip' },
  { value: 'location_id', label: 'Location' },
];

const positiveInt = (v: number | string): number | undefined => {
  const n = typeof v === 'number' ? v : String(v).trim() === '' ? NaN : Number(v);
  return Number.isSafeInteger(n) && n >= 1 ? n : undefined;
};

/** The query, or the errors keyed by field id (`groupId`, `filter-<id>-name`, `filter-<id>-value`). */
export const buildQuery = (form: SearchForm): { query: ScanQuery; errors: FieldErrors } => {
  const errors: FieldErrors = {};
  let query = ScanQuery.all();
  if (form.grouping !== 'all') {
    const id = positiveInt(form.groupId);
    if (id === undefined) errors.groupId = 'Enter a whole number of 1 or more.';
    else query = form.grouping === 'post_id' ? ScanQuery.byPost(id) : form.grouping === 'trip_id' ? ScanQuery.byTrip(id) : ScanQuery.byLocation(id);
  }
  for (const f of form.filters) {
    const name = f.name.trim();
    const value = typeof f.value === 'number' ? f.value : String(f.value).trim() === '' ? NaN : Number(f.value);
    let ok = true;
    if (!name) {
      errors[`filter-${f.id}-name`] = 'Enter a label name, e.g. beach.';
      ok = false;
    } else if (/[<>=&#]/.test(name)) {
      errors[`filter-${f.id}-name`] = 'A label name cannot contain <, >, =, & or #.';
      ok = false;
    }
    if (!(Number.isFinite(value) && value >= 0 && value <= 100)) {
      errors[`filter-${f.id}-value`] = 'Enter a confidence from 0 to 100.';
      ok = false;
    }
    if (ok) query = query.where(name, f.operator, value);
  }
  return { query, errors };
};

/** `GET <api>/scan?…` as it is sent, and with the query decoded for reading. */
export const describeRequest = (apiUrl: string, query: ScanQuery): { sent: string; readable: string } => {
  const qs = query.toString();
  const sent = `GET ${apiUrl}/scan${qs ? `?${qs}` : ''}`;
  const readable = `GET /scan${qs ? `?${[...query.toSearchParams()].map(([k, v]) => `${k}=${v}`).join('&')}` : ''}`;
  return { sent, readable };
};
