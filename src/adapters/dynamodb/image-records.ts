import { contentTypeOf, formatFileName, formatImageKey, type ImageName } from '../../core/file-name.js';
import { isExpired, type ImageRecord } from '../../core/image-record.js';
import { placementSortKey } from '../../core/keys.js';
import type { Registration } from '../../core/receiver-input.js';
import { DELETION_MARKER_SECONDS } from '../../infra/table.js';
import type { AnalysisResult } from '../../ports/record-store.js';
import type { Placements } from './placements.js';
import { DELETED, epoch, iso, STATUS, type Table } from './table.js';

/** Image records: sort key `<user_id>`, one user's copy of one image. */
export class ImageRecords {
  constructor(
    private readonly table: Table,
    private readonly placements: Placements,
  ) {}

  async register(reg: Registration, nowMs: number, waitingTtlSeconds: number): Promise<{ created: boolean }> {
    const key = { image_key: formatImageKey(reg), user_id: reg.userId };
    const metadata = {
      ':post_id': reg.post_id,
      ':picture_id': reg.picture_id,
      ':trip_id': reg.trip_id,
      ':location_id': reg.location_id,
      ':content': reg.content,
    };
    const expiresAt = epoch(nowMs) + waitingTtlSeconds;
    // New (or still waiting, or expired but not yet swept by TTL): (re)start waiting.
    const fresh = await this.table.updateIf({
      Key: key,
      UpdateExpression:
        'SET file_name = :file_name, image_hash = :hash, extension = :ext, content_type = :ct, #status = :waiting, ' +
        'rekognition_results = :empty, post_id = :post_id, picture_id = :picture_id, trip_id = :trip_id, ' +
        'location_id = :location_id, content = :content, created_at = if_not_exists(created_at, :now), ' +
        'updated_at = :now, expires_at = :expires_at ' +
        'REMOVE analysis_source, censored_confidence, moderation, variants, failure_reason, uploaded_at, analysed_at, object_size, deleted_at',
      ConditionExpression: 'attribute_not_exists(image_key) OR #status IN (:waiting, :deleted) OR expires_at <= :now_epoch',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':file_name': formatFileName(reg),
        ':hash': reg.imageHash,
        ':ext': reg.extension,
        ':ct': reg.contentType,
        ':waiting': STATUS.waiting,
        ':deleted': DELETED,
        ':empty': [],
        ...metadata,
        ':now': iso(nowMs),
        ':now_epoch': epoch(nowMs),
        ':expires_at': expiresAt,
      },
      ReturnValues: 'ALL_OLD',
    });
    const waiting = fresh.written;
    const old = fresh.attributes;
    const created = waiting && (!old || old.status === DELETED || isExpired(old as { expires_at?: number }, nowMs));
    if (!waiting) {
      // Already uploaded: never touch its status or analysis, only the latest metadata.
      await this.table.update({
        Key: key,
        UpdateExpression:
          'SET post_id = :post_id, picture_id = :picture_id, trip_id = :trip_id, location_id = :location_id, ' +
          'content = :content, updated_at = :now',
        ConditionExpression: 'attribute_exists(image_key)',
        ExpressionAttributeValues: { ...metadata, ':now': iso(nowMs) },
      });
    }
    await this.placements.put(reg, nowMs, waiting ? expiresAt : undefined);
    if (waiting) {
      // Write-then-check closes the race with markUploaded (which clears placement
      // expiry after updating the record): one of the two always sees the other.
      const now = await this.get(key.image_key, key.user_id, nowMs);
      if (now && now.status !== STATUS.waiting) await this.placements.keep(key.image_key, placementSortKey(reg.userId, reg.post_id));
    }
    return { created };
  }

  async get(imageKey: string, userId: string, nowMs: number): Promise<ImageRecord | undefined> {
    const item = await this.table.get({ image_key: imageKey, user_id: userId });
    return item && item.status !== DELETED && !isExpired(item as { expires_at?: number }, nowMs) ? (item as unknown as ImageRecord) : undefined;
  }

  async markUploaded(name: ImageName, objectSize: number | undefined, nowMs: number): Promise<ImageRecord | undefined> {
    const imageKey = formatImageKey(name);
    const updated = await this.table.updateIf({
      Key: { image_key: imageKey, user_id: name.userId },
      UpdateExpression:
        'SET file_name = :file_name, image_hash = :hash, extension = :ext, ' +
        'content_type = if_not_exists(content_type, :ct), #status = :analysing, ' +
        'rekognition_results = if_not_exists(rekognition_results, :empty), ' +
        'created_at = if_not_exists(created_at, :now), updated_at = :now, uploaded_at = :now' +
        (objectSize !== undefined ? ', object_size = :size' : '') +
        ' REMOVE expires_at, failure_reason',
      // Analysed records stay as they are (S3 delivers events at least once).
      ConditionExpression: 'attribute_not_exists(#status) OR #status IN (:waiting, :analysing, :failed)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':file_name': formatFileName(name),
        ':hash': name.imageHash,
        ':ext': name.extension,
        ':ct': contentTypeOf(name.extension),
        ':analysing': STATUS.analysing,
        ':waiting': STATUS.waiting,
        ':failed': STATUS.failed,
        ':empty': [],
        ':now': iso(nowMs),
        ...(objectSize !== undefined ? { ':size': objectSize } : {}),
      },
      ReturnValues: 'ALL_NEW',
    });
    const record = updated.written ? (updated.attributes as unknown as ImageRecord) : await this.get(imageKey, name.userId, nowMs);
    if (!record) return undefined; // deleted meanwhile: leave it deleted
    // The upload makes every live placement of this user's image permanent.
    await this.placements.keepAll(imageKey, name.userId, nowMs);
    return record;
  }

  /**
   * Only an `analysing` (or `failed`) record takes a verdict: a record deleted meanwhile
   * is not resurrected, and one that has its verdict keeps it — a redelivered message
   * that reused the labels (the first delivery outlived its visibility timeout) must not
   * overwrite the `detected` verdict stored a moment before, nor report a second change.
   */
  async applyAnalysis(imageKey: string, userId: string, r: AnalysisResult, nowMs: number): Promise<{ changed: boolean }> {
    const { written } = await this.table.updateIf({
      Key: { image_key: imageKey, user_id: userId },
      UpdateExpression:
        'SET #status = :status, rekognition_results = :labels, censored_confidence = :censored, ' +
        'analysis_source = :source, analysed_at = :now, updated_at = :now, variants = :variants' +
        (r.moderation ? ', moderation = :moderation REMOVE failure_reason, expires_at' : ' REMOVE failure_reason, expires_at, moderation'),
      ConditionExpression: 'attribute_exists(image_key) AND #status IN (:analysing, :failed)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':analysing': STATUS.analysing,
        ':failed': STATUS.failed,
        ':status': r.status,
        ':labels': r.labels,
        ':censored': r.censoredConfidence,
        ':source': r.source,
        ':now': iso(nowMs),
        ':variants': r.variants ?? {},
        ...(r.moderation ? { ':moderation': r.moderation } : {}),
      },
    });
    return { changed: written };
  }

  async markFailed(imageKey: string, userId: string, reason: string, nowMs: number): Promise<{ changed: boolean }> {
    const { written, attributes } = await this.table.updateIf({
      Key: { image_key: imageKey, user_id: userId },
      UpdateExpression: 'SET #status = :failed, failure_reason = :reason, updated_at = :now',
      ConditionExpression: 'attribute_exists(image_key) AND #status IN (:analysing, :failed)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':failed': STATUS.failed, ':analysing': STATUS.analysing, ':reason': reason, ':now': iso(nowMs) },
      ReturnValues: 'UPDATED_OLD',
    });
    return { changed: written && attributes?.status !== STATUS.failed };
  }

  async remove(imageKey: string, userId: string, nowMs: number): Promise<void> {
    const placements = await this.placements.items(imageKey, userId);
    // The record becomes a short-lived deletion marker rather than vanishing: a
    // notification still in flight for this upload can then never recreate it.
    const marker = { image_key: imageKey, user_id: userId, status: DELETED, deleted_at: iso(nowMs), expires_at: epoch(nowMs) + DELETION_MARKER_SECONDS };
    await this.table.batchWrite([
      { PutRequest: { Item: marker } },
      ...placements.map((p) => ({ DeleteRequest: { Key: { image_key: imageKey, user_id: p.user_id } } })),
    ]);
  }

  /** Whether any user other than `userId` still has a live record of the image (its variants are still needed). */
  async usedByOthers(imageKey: string, userId: string, nowMs: number): Promise<boolean> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'image_key = :k',
      ProjectionExpression: 'user_id, #status, expires_at',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':k': imageKey },
    });
    // Records are the items whose sort key is a bare user id (placements and the analysis carry '#').
    return items.some(
      (i) => !String(i.user_id).includes('#') && i.user_id !== userId && i.status !== DELETED && !isExpired(i as { expires_at?: number }, nowMs),
    );
  }
}
