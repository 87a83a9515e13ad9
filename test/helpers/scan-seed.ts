import { BatchWriteCommand, type BatchWriteCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { labelIndexItems } from '../../src/core/label-index.js';
import type { Label } from '../../src/core/labels.js';
import type { ImageStatus } from '../../src/core/image-record.js';
import { GROUP_KEY_ATTRIBUTE, groupKey, placementSortKey } from '../../src/core/keys.js';
import { fileNameOf, hashOf, imageKeyOf } from './record-builders.js';

/** One image of a user as the scan sees it: its record, its placements, and (when analysed) its label index items. */
export interface SeedImage {
  userId: string;
  seed: string;
  status: ImageStatus;
  labels: Label[];
  posts: { post_id: number; trip_id: number | null; location_id: number | null }[];
  /** Milliseconds since the epoch: the record's created_at. */
  createdAt: number;
  /** Write the label index items (analysed images only); false = a record from before the index. */
  indexed?: boolean;
}

export const seedImageKey = (i: SeedImage) => imageKeyOf(hashOf(i.seed));
export const seedFileName = (i: SeedImage) => fileNameOf(i.userId, hashOf(i.seed));

const ANALYSED = new Set<ImageStatus>(['approved', 'under_review', 'rejected']);

/** The items the receiver, analyzer and label index would have written, written directly (fast) in batches of 25. */
export const seedItems = (i: SeedImage): Record<string, unknown>[] => {
  const imageHash = hashOf(i.seed);
  const imageKey = imageKeyOf(imageHash);
  const created = new Date(i.createdAt).toISOString();
  const record = {
    image_key: imageKey,
    user_id: i.userId,
    file_name: fileNameOf(i.userId, imageHash),
    image_hash: imageHash,
    extension: 'jpg',
    content_type: 'image/jpeg',
    status: i.status,
    rekognition_results: i.labels,
    created_at: created,
    updated_at: created,
    ...(i.status === 'waiting' ? { expires_at: Math.floor(i.createdAt / 1000) + 3600 } : {}),
  };
  const placements = i.posts.map((p) => ({
    image_key: imageKey,
    user_id: placementSortKey(i.userId, p.post_id),
    file_name: record.file_name,
    post_id: p.post_id,
    picture_id: 1,
    trip_id: p.trip_id,
    location_id: p.location_id,
    content: '',
    placed_at: created,
    [GROUP_KEY_ATTRIBUTE.post_id]: groupKey(i.userId, p.post_id),
    ...(p.trip_id !== null ? { [GROUP_KEY_ATTRIBUTE.trip_id]: groupKey(i.userId, p.trip_id) } : {}),
    ...(p.location_id !== null ? { [GROUP_KEY_ATTRIBUTE.location_id]: groupKey(i.userId, p.location_id) } : {}),
  }));
  const index = ANALYSED.has(i.status) && i.indexed !== false ? labelIndexItems(imageKey, i.userId, i.labels).map((item) => ({ ...item })) : [];
  return [record, ...placements, ...index];
};

export const writeItems = async (doc: DynamoDBDocumentClient, table: string, items: Record<string, unknown>[]): Promise<void> => {
  for (let i = 0; i < items.length; i += 25) {
    let requests: unknown[] | undefined = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (requests?.length) {
      const res: BatchWriteCommandOutput = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: requests as never } }));
      requests = res.UnprocessedItems?.[table];
    }
  }
};

export const seedImages = (doc: DynamoDBDocumentClient, table: string, images: SeedImage[]) => writeItems(doc, table, images.flatMap(seedItems));
