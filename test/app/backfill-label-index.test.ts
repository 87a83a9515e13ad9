import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoAnalysedRecords } from '../../src/adapters/dynamodb/analysed-records.js';
import { DynamoLabelIndex } from '../../src/adapters/dynamodb/label-index.js';
import { labelIndexKey } from '../../src/core/label-index.js';
import { INDEX } from '../../src/infra/table.js';
import { backfillLabelIndex, freshCheckpoint, type BackfillCheckpoint } from '../../src/app/backfill-label-index.js';
import { startTestDynamo, type TestDynamo } from '../helpers/dynalite-table.js';
import { label } from '../helpers/port-fakes.js';
import { seedImages, type SeedImage } from '../helpers/scan-seed.js';
import type { ImageStatus } from '../../src/core/image-record.js';

let db: TestDynamo;
beforeAll(async () => {
  db = await startTestDynamo('backfill');
});
afterAll(async () => {
  await db?.close();
});

const STATUSES: ImageStatus[] = ['approved', 'under_review', 'rejected', 'waiting', 'analysing', 'failed'];
/** 60 records from before the label index: 30 analysed ones (status approved / under_review / rejected). */
const images: SeedImage[] = Array.from({ length: 60 }, (_, i) => ({
  userId: `u${i % 3}`,
  seed: `backfill-${i}`,
  status: STATUSES[i % STATUSES.length]!,
  labels: [label('Beach', 80 + (i % 20)), label('Sky', 76)],
  posts: [{ post_id: 1 + (i % 4), trip_id: null, location_id: null }],
  createdAt: Date.now() + i,
  indexed: false,
}));
const beachOf = async (userId: string) =>
  (
    await db.doc.send(
      new QueryCommand({ TableName: db.tableName, IndexName: INDEX.byLabel, KeyConditionExpression: 'label_key = :k', ExpressionAttributeValues: { ':k': labelIndexKey(userId, 'beach') } }),
    )
  ).Items ?? [];

describe('backfillLabelIndex', () => {
  it('indexes every analysed record, resumes from its checkpoint after a stop, and a re-run writes nothing', async () => {
    await seedImages(db.doc, db.tableName, images);
    expect(await beachOf('u0')).toEqual([]);
    const records = new DynamoAnalysedRecords(db.doc, db.tableName, 7); // small pages: many checkpoints
    const index = new DynamoLabelIndex(db.doc, db.tableName);
    const saves: string[] = [];
    const save = async (c: BackfillCheckpoint) => {
      saves.push(JSON.stringify(c));
    };
    // First run: stopped after a few pages (as by Ctrl-C, or a Lambda running out of time).
    let pages = 0;
    const checkpoint = freshCheckpoint(2);
    const first = await backfillLabelIndex({ records, index, checkpoint, save, onPage: () => pages++, shouldStop: () => pages >= 3 });
    expect(first.done).toBe(false);
    expect(first.records).toBeLessThan(30);
    // Resumed from the saved checkpoint (a fresh object, as read back from the file).
    const resumed = JSON.parse(saves.at(-1)!) as BackfillCheckpoint;
    const second = await backfillLabelIndex({ records, index, checkpoint: resumed, save });
    expect(second.done).toBe(true);
    expect(first.records + second.records).toBe(30);
    expect(first.written + second.written).toBe(60); // Beach and Sky of each analysed record
    const analysedOf = (u: string) => images.filter((i) => i.userId === u && ['approved', 'under_review', 'rejected'].includes(i.status)).length;
    for (const u of ['u0', 'u1', 'u2']) expect(await beachOf(u)).toHaveLength(analysedOf(u));
    // Idempotent: the whole thing again writes nothing.
    const again = await backfillLabelIndex({ records, index, checkpoint: freshCheckpoint(3), save });
    expect(again).toEqual({ records: 30, written: 0, removed: 0, done: true });
  });
});
