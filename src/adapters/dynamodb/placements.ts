import { formatFileName, formatImageKey } from '../../core/file-name.js';
import { isExpired, type Placement } from '../../core/image-record.js';
import { GROUP_KEY_ATTRIBUTE, groupKey, placementPrefix, placementSortKey } from '../../core/keys.js';
import type { Registration } from '../../core/receiver-input.js';
import { iso, type Item, type Table } from './table.js';

/** Placement items: sort key `<user_id>#post#<post_id>`, one per post the user put the image in. */
export class Placements {
  constructor(private readonly table: Table) {}

  async put(reg: Registration, nowMs: number, expiresAt: number | undefined): Promise<void> {
    const item: Item = {
      image_key: formatImageKey(reg),
      user_id: placementSortKey(reg.userId, reg.post_id),
      file_name: formatFileName(reg),
      post_id: reg.post_id,
      picture_id: reg.picture_id,
      trip_id: reg.trip_id,
      location_id: reg.location_id,
      content: reg.content,
      placed_at: iso(nowMs),
      [GROUP_KEY_ATTRIBUTE.post_id]: groupKey(reg.userId, reg.post_id),
    };
    if (reg.trip_id !== null) item[GROUP_KEY_ATTRIBUTE.trip_id] = groupKey(reg.userId, reg.trip_id);
    if (reg.location_id !== null) item[GROUP_KEY_ATTRIBUTE.location_id] = groupKey(reg.userId, reg.location_id);
    if (expiresAt !== undefined) item.expires_at = expiresAt;
    await this.table.put(item);
  }

  /** The placement stops expiring (its image was uploaded); a placement gone meanwhile stays gone. */
  async keep(imageKey: string, sortKey: string): Promise<void> {
    await this.table.updateIf({
      Key: { image_key: imageKey, user_id: sortKey },
      UpdateExpression: 'REMOVE expires_at',
      ConditionExpression: 'attribute_exists(image_key)',
    });
  }

  /** Keeps every live, still-expiring placement of the user's image. */
  async keepAll(imageKey: string, userId: string, nowMs: number): Promise<void> {
    const items = await this.items(imageKey, userId);
    await Promise.all(
      items
        .filter((i) => i.expires_at !== undefined && !isExpired(i as { expires_at?: number }, nowMs))
        .map((i) => this.keep(imageKey, i.user_id as string)),
    );
  }

  items(imageKey: string, userId: string): Promise<Item[]> {
    return this.table.queryAll({
      KeyConditionExpression: 'image_key = :k AND begins_with(user_id, :prefix)',
      ExpressionAttributeValues: { ':k': imageKey, ':prefix': placementPrefix(userId) },
      ConsistentRead: true,
    });
  }

  async list(imageKey: string, userId: string, nowMs: number): Promise<Placement[]> {
    const items = await this.items(imageKey, userId);
    return items
      .filter((i) => !isExpired(i as { expires_at?: number }, nowMs))
      .map((i) => ({
        post_id: i.post_id as number,
        picture_id: i.picture_id as number,
        trip_id: (i.trip_id ?? null) as number | null,
        location_id: (i.location_id ?? null) as number | null,
        content: (i.content ?? '') as string,
      }));
  }
}
