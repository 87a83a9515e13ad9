import { DomainError } from '../core/errors.js';
import { ownedFileName } from '../core/ownership.js';
import { documentClient } from '../adapters/aws-clients/dynamodb.js';
import { s3Client } from '../adapters/aws-clients/s3.js';
import { DynamoRecordStore } from '../adapters/dynamodb/record-store.js';
import { S3ObjectStore } from '../adapters/s3-object-store.js';
import { ImagesConfig, type Env } from '../config.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { RecordStore } from '../ports/record-store.js';
import type * as z from 'zod/mini';
import type { ImageRecord } from '../wire/images.js';
import { DynamoLabelIndex } from '../adapters/dynamodb/label-index.js';
import type { LabelIndex } from '../ports/label-index.js';
import { httpFunction, json, type Route } from './http.js';

export interface ImagesDeps {
  records: RecordStore;
  labelIndex: LabelIndex;
  objects: ObjectStore;
  now?: () => number;
}

/** GET /images/{file_name}: the owner's record; DELETE: remove object and records (204, idempotent). */
export const imagesRoute =
  ({ records, labelIndex, objects, now = Date.now }: ImagesDeps): Route => {
  return async (req) => {
    const { fileName, imageKey, userId } = ownedFileName(req.pathParameter('file_name'), req.userId());
    if (req.method === 'DELETE') {
      // Object first: a failure leaves the records, and the retry finishes the job.
      await objects.delete(fileName);
      await records.remove(imageKey, userId, now());
      await labelIndex.remove(imageKey, userId); // after the record: a retried DELETE finishes it
      return { status: 204 };
    }
    const t = now();
    const record = await records.get(imageKey, userId, t);
    if (!record) throw new DomainError('not_found', `No image ${fileName}.`);
    const posts = await records.placements(imageKey, userId, t);
    return json(200, {
      file_name: record.file_name,
      image_hash: record.image_hash,
      content_type: record.content_type,
      status: record.status,
      rekognition_results: record.rekognition_results ?? [],
      analysis_source: record.analysis_source ?? null,
      failure_reason: record.failure_reason ?? null,
      post_id: record.post_id ?? null,
      picture_id: record.picture_id ?? null,
      trip_id: record.trip_id ?? null,
      location_id: record.location_id ?? null,
      content: record.content ?? null,
      posts,
      object_size: record.object_size ?? null,
      created_at: record.created_at,
      updated_at: record.updated_at,
      uploaded_at: record.uploaded_at ?? null,
      analysed_at: record.analysed_at ?? null,
      expires_at: record.expires_at ? new Date(record.expires_at * 1000).toISOString() : null,
    } satisfies z.output<typeof ImageRecord>);
  };
};

export const createImagesHandler = (env: Env) =>
  httpFunction('images', env, ImagesConfig, (c) =>
    imagesRoute({
      records: new DynamoRecordStore(documentClient(env), c.IMAGES_TABLE_NAME),
      labelIndex: new DynamoLabelIndex(documentClient(env), c.IMAGES_TABLE_NAME),
      objects: new S3ObjectStore(s3Client(env), c.IMAGES_BUCKET_NAME),
    }),
  );

export const handler = createImagesHandler(process.env);
