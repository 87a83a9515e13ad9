import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LABEL_ITEM_PREFIX, labelIndexItems, labelItemsPartition, type LabelIndexItem } from '../../core/label-index.js';
import type { Label } from '../../core/labels.js';
import type { LabelIndex } from '../../ports/label-index.js';
import { Table } from './table.js';

/** The label index's items in the images table (src/core/label-index.ts has the key layout). */
export class DynamoLabelIndex implements LabelIndex {
  private readonly table: Table;
  constructor(db: DynamoDBDocumentClient, tableName: string) {
    this.table = new Table(db, tableName);
  }

  async put(imageKey: string, userId: string, labels: readonly Label[]) {
    const wanted = labelIndexItems(imageKey, userId, labels);
    const existing = await this.items(imageKey, userId);
    const have = new Map(existing.map((i) => [i.user_id, i.label_rank]));
    const keep = new Set(wanted.map((i) => i.user_id));
    // Unchanged items are not rewritten: a re-run (backfill, redelivery) writes nothing.
    const puts = wanted.filter((i) => have.get(i.user_id) !== i.label_rank);
    const stale = existing.filter((i) => !keep.has(i.user_id));
    await this.table.batchWrite([
      ...puts.map((i) => ({ PutRequest: { Item: { ...i } } })),
      ...stale.map((i) => ({ DeleteRequest: { Key: { image_key: i.image_key, user_id: i.user_id } } })),
    ]);
    return { written: puts.length, removed: stale.length };
  }

  async remove(imageKey: string, userId: string): Promise<number> {
    const existing = await this.items(imageKey, userId);
    await this.table.batchWrite(existing.map((i) => ({ DeleteRequest: { Key: { image_key: i.image_key, user_id: i.user_id } } })));
    return existing.length;
  }

  /** One Query on the (image, user) partition finds every index item of that copy. */
  private async items(imageKey: string, userId: string): Promise<LabelIndexItem[]> {
    return (await this.table.queryAll({
      KeyConditionExpression: 'image_key = :p AND begins_with(user_id, :prefix)',
      ExpressionAttributeValues: { ':p': labelItemsPartition(imageKey, userId), ':prefix': LABEL_ITEM_PREFIX },
      ConsistentRead: true,
    })) as unknown as LabelIndexItem[];
  }
}
