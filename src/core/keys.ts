import type { Grouping } from './scan-plan.js';

/** Sort-key values of the table's item kinds (see src/infra/table.ts). */
export const ANALYSIS_SORT_KEY = '#analysis';
export const placementSortKey = (userId: string, postId: number): string => `${userId}#post#${postId}`;
export const placementPrefix = (userId: string): string => `${userId}#post#`;

/** GSI partition values: one group of one user, e.g. "456#123" for post 123 of user 456. */
export const groupKey = (userId: string, id: number): string => `${userId}#${id}`;
export const GROUP_KEY_ATTRIBUTE: Record<Grouping, 'post_key' | 'trip_key' | 'location_key'> = {
  post_id: 'post_key',
  trip_id: 'trip_key',
  location_id: 'location_key',
};
