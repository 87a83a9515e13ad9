import { isExpired } from '../../core/image-record.js';
import { GROUP_KEY_ATTRIBUTE, groupKey } from '../../core/keys.js';
import type { ScanCandidate, ScanPlan } from '../../core/scan-plan.js';
import { INDEX, USER_INDEX_PROJECTION } from '../../infra/table.js';
import type { Table } from './table.js';

const INDEX_OF = { post_id: INDEX.byPost, trip_id: INDEX.byTrip, location_id: INDEX.byLocation } as const;
const CANDIDATE_ATTRIBUTES = ['file_name', 'status', 'rekognition_results', 'expires_at', 'image_key'] as const;

/** Scan reads: GSI Queries (never a table Scan), then one BatchGet of the group's records. */
export class GroupQueries {
  constructor(private readonly table: Table) {}

  async candidates(userId: string, plan: ScanPlan, nowMs = Date.now()): Promise<ScanCandidate[]> {
    if (plan.grouping === 'user_id') {
      return (await this.table.queryAll({
        IndexName: INDEX.byUser,
        KeyConditionExpression: 'user_id = :u',
        ExpressionAttributeValues: { ':u': userId },
        ProjectionExpression: USER_INDEX_PROJECTION.map((_, i) => `#p${i}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(USER_INDEX_PROJECTION.map((a, i) => [`#p${i}`, a])),
      })) as unknown as ScanCandidate[];
    }
    // Group index → the image keys of the user's images in that post/trip/location…
    const placements = await this.table.queryAll({
      IndexName: INDEX_OF[plan.grouping],
      KeyConditionExpression: '#g = :g',
      ExpressionAttributeNames: { '#g': GROUP_KEY_ATTRIBUTE[plan.grouping] },
      ExpressionAttributeValues: { ':g': groupKey(userId, plan.groupingId) },
    });
    const imageKeys = [...new Set(placements.filter((p) => !isExpired(p as { expires_at?: number }, nowMs)).map((p) => p.image_key as string))];
    // …then their records, which hold status and labels in one place.
    const records = await this.table.batchGet(
      imageKeys.map((k) => ({ image_key: k, user_id: userId })),
      CANDIDATE_ATTRIBUTES,
    );
    // BatchGet returns in any order: restore the index's order.
    const order = new Map(imageKeys.map((k, i) => [k, i]));
    return records.sort((a, b) => order.get(a.image_key as string)! - order.get(b.image_key as string)!) as unknown as ScanCandidate[];
  }
}
