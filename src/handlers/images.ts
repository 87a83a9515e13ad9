import { DomainError } from '../core/errors.js';
import { ownedFileName } from '../core/ownership.js';
import { VARIANT_NAMES, variantKey } from '../core/variants.js';
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
import { deleteAndPublish, type EventsTelemetry } from '../app/publish-events.js';
import { awsEventPublisher } from '../adapters/event-publishers.js';
import { NO_EVENTS, type EventPublisher } from '../ports/event-publisher.js';
import { functionLogger } from './observability.js';

export interface ImagesDeps {
  records: RecordStore;
  labelIndex: LabelIndex;
  objects: ObjectStore;
  /** Where `image.deleted` goes (SPEC §3.8). */
  events?: EventPublisher;
  telemetry?: EventsTelemetry;
  now?: () => number;
}

/**
 * GET /images/{file_name}: the owner's record; DELETE: remove object and records (204, idempotent),
 * and the image's shared variants when no other user still has it.
 */
export const imagesRoute =
  ({ records, labelIndex, objects, events = NO_EVENTS, telemetry, now = Date.now }: ImagesDeps): Route => {
  return async (req) => {
    const { fileName, imageKey, userId } = ownedFileName(req.pathParameter('file_name'), req.userId());
    if (req.method === 'DELETE') {
      // Object first: a failure leaves the records, and the retry finishes the job.
      // What is about to go is read first, so `image.deleted` names its posts (and is sent only if something went).
      await deleteAndPublish({ records, events, telemetry, now }, imageKey, userId, fileName, async () => {
        await objects.delete(fileName);
        await records.remove(imageKey, userId, now());
      });
      await labelIndex.remove(imageKey, userId); // after the record: a retried DELETE finishes it
      if (!(await records.usedByOthers(imageKey, userId, now()))) {
        // Forget them first: an upload arriving now remakes them rather than trusting deleted objects.
        await records.dropAnalysisVariants(imageKey);
        for (const v of VARIANT_NAMES) await objects.delete(variantKey(imageKey, v));
      }
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
      moderation: record.moderation ?? null,
      variants: record.variants ?? {},
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

export const createImagesHandler = (env: Env, overrides: { events?: EventPublisher } = {}) =>
  httpFunction('images', env, ImagesConfig, (c) => {
    const logger = functionLogger('images');
    return imagesRoute({
      records: new DynamoRecordStore(documentClient(env), c.IMAGES_TABLE_NAME),
      labelIndex: new DynamoLabelIndex(documentClient(env), c.IMAGES_TABLE_NAME),
      objects: new S3ObjectStore(s3Client(env), c.IMAGES_BUCKET_NAME),
      events: overrides.events ?? awsEventPublisher(env),
      telemetry: { error: (message, fields) => logger.error(message, fields), count: () => undefined },
    });
  });

export const handler = createImagesHandler(process.env);
