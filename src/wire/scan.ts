import * as z from 'zod/mini';
import { GROUPINGS, LABEL_FILTER_PATTERN, LABEL_OPERATORS, MAX_FILTER_LENGTH, MAX_FILTERS, MAX_PAGE_SIZE, MAX_PAGE_TOKEN_LENGTH, USER_ID_PATTERN } from './constants.js';
import { FileName, PositiveId } from './common.js';

export { GROUPINGS, LABEL_FILTER_PATTERN, MAX_FILTER_LENGTH, MAX_FILTERS, type Grouping } from './constants.js';

/** One `label` query parameter: `<name><op><value>`, e.g. `beach>80`. */
export const LabelFilterString = z.string().check(z.maxLength(MAX_FILTER_LENGTH), z.regex(LABEL_FILTER_PATTERN));

/**
 * The query parameters of `GET /scan` (each as the query string carries it:
 * at most one grouping, `label` repeatable). src/core/scan-plan.ts applies them
 * with messages that name the offending parameter.
 */
export const ScanParameters = {
  post_id: PositiveId,
  trip_id: PositiveId,
  location_id: PositiveId,
  label: z.array(LabelFilterString).check(z.maxLength(MAX_FILTERS)),
  /** Images per page (default MAX_PAGE_SIZE). */
  limit: z.int().check(z.minimum(1), z.maximum(MAX_PAGE_SIZE)),
  /** The previous page's `next_token`, unchanged, with the same query. */
  next_token: z.string().check(z.minLength(1), z.maxLength(MAX_PAGE_TOKEN_LENGTH)),
} as const;

/** A parsed label filter, as the response echoes it (names lower-cased). */
export const LabelFilter = z.strictObject({
  name: z.string().check(z.minLength(1)),
  operator: z.enum(LABEL_OPERATORS),
  confidence_threshold: z.number().check(z.minimum(0), z.maximum(100)),
});

const scanResultOf = <G extends z.ZodMiniType, I extends z.ZodMiniType>(grouping: G, groupingId: I) =>
  z.strictObject({
    grouping,
    grouping_id: groupingId,
    filters: z.array(LabelFilter),
    /** Every match, not just this page. */
    total_count: z.int().check(z.minimum(0)),
    /** This page: at most `limit` images. */
    images: z.array(FileName).check(z.maxLength(MAX_PAGE_SIZE)),
    /** Pass as `next_token` for the next page; null on the last page. */
    next_token: z.nullable(z.string()),
  });

/** `GET /scan`, one page: `grouping_id` is the user id (a string) when no grouping was given. */
export const ScanResult = z.union([
  scanResultOf(z.literal('user_id'), z.string().check(z.regex(USER_ID_PATTERN))),
  scanResultOf(z.enum(GROUPINGS), PositiveId),
]);
