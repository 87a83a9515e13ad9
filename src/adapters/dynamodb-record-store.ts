import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type BatchWriteCommandOutput,
  type BatchGetCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { contentTypeOf, formatFileName, formatImageKey, type ImageName } from '../core/file-name.js';
import { isExpired, type ImageRecord, type Placement } from '../core/image-record.js';
import { ANALYSIS_SORT_KEY, GROUP_KEY_ATTRIBUTE, groupKey, placementPrefix, placementSortKey } from '../core/keys.js';
import type { Label } from '../core/labels.js';
import type { Registration } from '../core/receiver-input.js';
import type { ScanCandidate, ScanPlan } from '../core/scan-plan.js';
import { DELETION_MARKER_SECONDS, INDEX, USER_INDEX_PROJECTION } from '../infra/table.js';
import type { Analysis, AnalysisResult, RecordStore } from '../ports/record-store.js';

const iso = (ms: number) => new Date(ms).toISOString();
const epoch = (ms: number) => Math.floor(ms / 1000);
const isConditionFailure = (e: unknown) =>
  e instanceof ConditionalCheckFailedException || (e as { name?: string })?.name === 'ConditionalCheckFailedException';
/** Conditional writes that lose are expected outcomes here, not errors. */
const unlessConditionFails = (write: Promise<unknown>): Promise<void> =>
  write.then(
    () => undefined,
    (e) => {
      if (!isConditionFailure(e)) throw e;
    },
  );
const INDEX_OF = { post_id: INDEX.byPost, trip_id: INDEX.byTrip, location_id: INDEX.byLocation } as const;
const BATCH_GET_LIMIT = 100;
const BATCH_WRITE_LIMIT = 25;
type WriteRequest = NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']>[string][number];

/** The images table through the DynamoDB document client. */
export class DynamoRecordStore implements RecordStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async register(reg: Registration, nowMs: number, waitingTtlSeconds: number): Promise<{ created: boolean }> {
    const key = { image_key: formatImageKey(reg), user_id: reg.userId };
    const metadata = {
      post_id: reg.post_id,
      picture_id: reg.picture_id,
      trip_id: reg.trip_id,
      location_id: reg.location_id,
      content: reg.content,
    };
    const expiresAt = epoch(nowMs) + waitingTtlSeconds;
    let created: boolean;
    let waiting: boolean;
    try {
      // New (or still waiting, or expired but not yet swept by TTL): (re)start waiting.
      const { Attributes: old } = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression:
            'SET file_name = :file_name, image_hash = :hash, extension = :ext, content_type = :ct, #status = :waiting, ' +
            'rekognition_results = :empty, post_id = :post_id, picture_id = :picture_id, trip_id = :trip_id, ' +
            'location_id = :location_id, content = :content, created_at = if_not_exists(created_at, :now), ' +
            'updated_at = :now, expires_at = :expires_at ' +
            'REMOVE analysis_source, censored_confidence, failure_reason, uploaded_at, analysed_at, object_size, deleted_at',
          ConditionExpression: 'attribute_not_exists(image_key) OR #status IN (:waiting, :deleted) OR expires_at <= :now_epoch',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':file_name': formatFileName(reg),
            ':hash': reg.imageHash,
            ':ext': reg.extension,
            ':ct': reg.contentType,
            ':waiting': 'waiting',
            ':deleted': 'deleted',
            ':empty': [],
            ':post_id': metadata.post_id,
            ':picture_id': metadata.picture_id,
            ':trip_id': metadata.trip_id,
            ':location_id': metadata.location_id,
            ':content': metadata.content,
            ':now': iso(nowMs),
            ':now_epoch': epoch(nowMs),
            ':expires_at': expiresAt,
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      created = !old || old.status === 'deleted' || isExpired(old as ImageRecord, nowMs);
      waiting = true;
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      // Already uploaded: never touch its status or analysis, only the latest metadata.
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression:
            'SET post_id = :post_id, picture_id = :picture_id, trip_id = :trip_id, location_id = :location_id, ' +
            'content = :content, updated_at = :now',
          ConditionExpression: 'attribute_exists(image_key)',
          ExpressionAttributeValues: {
            ':post_id': metadata.post_id,
            ':picture_id': metadata.picture_id,
            ':trip_id': metadata.trip_id,
            ':location_id': metadata.location_id,
            ':content': metadata.content,
            ':now': iso(nowMs),
          },
        }),
      );
      created = false;
      waiting = false;
    }
    await this.putPlacement(reg, nowMs, waiting ? expiresAt : undefined);
    if (waiting) {
      // Write-then-check closes the race with markUploaded (which clears placement
      // expiry after updating the record): one of the two always sees the other.
      const now = await this.get(key.image_key, key.user_id, nowMs);
      if (now && now.status !== 'waiting') await this.keepPlacement(key.image_key, placementSortKey(reg.userId, reg.post_id));
    }
    return { created };
  }

  private async putPlacement(reg: Registration, nowMs: number, expiresAt: number | undefined): Promise<void> {
    const item: Record<string, unknown> = {
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
    await this.db.send(new PutCommand({ TableName: this.table, Item: item }));
  }

  private async keepPlacement(imageKey: string, sortKey: string): Promise<void> {
    await unlessConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { image_key: imageKey, user_id: sortKey },
          UpdateExpression: 'REMOVE expires_at',
          ConditionExpression: 'attribute_exists(image_key)',
        }),
      ),
    );
  }

  async get(imageKey: string, userId: string, nowMs: number): Promise<ImageRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { image_key: imageKey, user_id: userId }, ConsistentRead: true }),
    );
    return Item && Item.status !== 'deleted' && !isExpired(Item as ImageRecord, nowMs) ? (Item as ImageRecord) : undefined;
  }

  private async placementItems(imageKey: string, userId: string): Promise<Record<string, unknown>[]> {
    return this.queryAll({
      TableName: this.table,
      KeyConditionExpression: 'image_key = :k AND begins_with(user_id, :prefix)',
      ExpressionAttributeValues: { ':k': imageKey, ':prefix': placementPrefix(userId) },
      ConsistentRead: true,
    });
  }

  async placements(imageKey: string, userId: string, nowMs: number): Promise<Placement[]> {
    const items = await this.placementItems(imageKey, userId);
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

  async markUploaded(name: ImageName, objectSize: number | undefined, nowMs: number): Promise<ImageRecord | undefined> {
    const imageKey = formatImageKey(name);
    let record: ImageRecord;
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
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
            ':analysing': 'analysing',
            ':waiting': 'waiting',
            ':failed': 'failed',
            ':empty': [],
            ':now': iso(nowMs),
            ...(objectSize !== undefined ? { ':size': objectSize } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      record = Attributes as ImageRecord;
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      const current = await this.get(imageKey, name.userId, nowMs);
      if (!current) return undefined; // deleted meanwhile: leave it deleted
      record = current;
    }
    // The upload makes every live placement of this user's image permanent.
    const items = await this.placementItems(imageKey, name.userId);
    await Promise.all(
      items
        .filter((i) => i.expires_at !== undefined && !isExpired(i as { expires_at?: number }, nowMs))
        .map((i) => this.keepPlacement(imageKey, i.user_id as string)),
    );
    return record;
  }

  async getAnalysis(imageKey: string): Promise<Analysis | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { image_key: imageKey, user_id: ANALYSIS_SORT_KEY },
        ConsistentRead: true,
      }),
    );
    return Item ? { state: Item.state, labels: Item.labels ?? [], claimed_by: Item.claimed_by, failure_reason: Item.failure_reason } : undefined;
  }

  async claimAnalysis(imageKey: string, claimant: string, nowMs: number, leaseSeconds: number): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { image_key: imageKey, user_id: ANALYSIS_SORT_KEY },
          UpdateExpression: 'SET #state = :running, claimed_by = :c, claimed_at = :now, lease_until = :lease, labels = :empty',
          ConditionExpression:
            'attribute_not_exists(#state) OR #state = :failed OR (#state = :running AND lease_until < :now_epoch)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':running': 'running',
            ':failed': 'failed',
            ':c': claimant,
            ':now': iso(nowMs),
            ':now_epoch': epoch(nowMs),
            ':lease': epoch(nowMs) + leaseSeconds,
            ':empty': [],
          },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async completeAnalysis(imageKey: string, claimant: string, labels: Label[], nowMs: number): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { image_key: imageKey, user_id: ANALYSIS_SORT_KEY },
        UpdateExpression: 'SET #state = :done, labels = :labels, detected_by = :c, detected_at = :now REMOVE lease_until, failure_reason',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':done': 'done', ':labels': labels, ':c': claimant, ':now': iso(nowMs) },
      }),
    );
  }

  async abandonAnalysis(imageKey: string, claimant: string, reason: string, nowMs: number): Promise<void> {
    await unlessConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { image_key: imageKey, user_id: ANALYSIS_SORT_KEY },
          UpdateExpression: 'SET #state = :failed, failure_reason = :reason, failed_at = :now REMOVE lease_until',
          ConditionExpression: '#state = :running AND claimed_by = :c',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':failed': 'failed', ':running': 'running', ':c': claimant, ':reason': reason, ':now': iso(nowMs) },
        }),
      ),
    );
  }

  async applyAnalysis(imageKey: string, userId: string, r: AnalysisResult, nowMs: number): Promise<void> {
    await unlessConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { image_key: imageKey, user_id: userId },
          UpdateExpression:
            'SET #status = :status, rekognition_results = :labels, censored_confidence = :censored, ' +
            'analysis_source = :source, analysed_at = :now, updated_at = :now REMOVE failure_reason, expires_at',
          ConditionExpression: 'attribute_exists(image_key) AND #status <> :deleted',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':deleted': 'deleted',
            ':status': r.status,
            ':labels': r.labels,
            ':censored': r.censoredConfidence,
            ':source': r.source,
            ':now': iso(nowMs),
          },
        }),
      ),
    );
  }

  async markFailed(imageKey: string, userId: string, reason: string, nowMs: number): Promise<void> {
    await unlessConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { image_key: imageKey, user_id: userId },
          UpdateExpression: 'SET #status = :failed, failure_reason = :reason, updated_at = :now',
          ConditionExpression: 'attribute_exists(image_key) AND #status IN (:analysing, :failed)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':failed': 'failed', ':analysing': 'analysing', ':reason': reason, ':now': iso(nowMs) },
        }),
      ),
    );
  }

  async queryGroup(userId: string, plan: ScanPlan): Promise<ScanCandidate[]> {
    if (plan.grouping === 'user_id') {
      return (await this.queryAll({
        TableName: this.table,
        IndexName: INDEX.byUser,
        KeyConditionExpression: 'user_id = :u',
        ExpressionAttributeValues: { ':u': userId },
        ProjectionExpression: USER_INDEX_PROJECTION.map((_, i) => `#p${i}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(USER_INDEX_PROJECTION.map((a, i) => [`#p${i}`, a])),
      })) as unknown as ScanCandidate[];
    }
    // Group index → the image keys of the user's images in that post/trip/location…
    const attribute = GROUP_KEY_ATTRIBUTE[plan.grouping];
    const nowMs = Date.now();
    const placements = await this.queryAll({
      TableName: this.table,
      IndexName: INDEX_OF[plan.grouping],
      KeyConditionExpression: '#g = :g',
      ExpressionAttributeNames: { '#g': attribute },
      ExpressionAttributeValues: { ':g': groupKey(userId, plan.groupingId) },
    });
    const imageKeys = [
      ...new Set(placements.filter((p) => !isExpired(p as { expires_at?: number }, nowMs)).map((p) => p.image_key as string)),
    ];
    // …then their records, which hold status and labels in one place.
    return this.batchGetRecords(imageKeys, userId);
  }

  private async batchGetRecords(imageKeys: string[], userId: string): Promise<ScanCandidate[]> {
    const out: ScanCandidate[] = [];
    for (let i = 0; i < imageKeys.length; i += BATCH_GET_LIMIT) {
      let keys: Record<string, unknown>[] | undefined = imageKeys
        .slice(i, i + BATCH_GET_LIMIT)
        .map((k) => ({ image_key: k, user_id: userId }));
      for (let attempt = 0; keys?.length; attempt++) {
        if (attempt) await backoff(attempt);
        const res: BatchGetCommandOutput = await this.db.send(
          new BatchGetCommand({
            RequestItems: {
              [this.table]: {
                Keys: keys,
                ProjectionExpression: '#f, #s, #r, #e, image_key',
                ExpressionAttributeNames: { '#f': 'file_name', '#s': 'status', '#r': 'rekognition_results', '#e': 'expires_at' },
              },
            },
          }),
        );
        out.push(...((res.Responses?.[this.table] ?? []) as ScanCandidate[]));
        keys = res.UnprocessedKeys?.[this.table]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    // BatchGet returns in any order: restore the index's order.
    const order = new Map(imageKeys.map((k, i) => [k, i]));
    return out.sort(
      (a, b) => order.get((a as unknown as { image_key: string }).image_key)! - order.get((b as unknown as { image_key: string }).image_key)!,
    );
  }

  async remove(imageKey: string, userId: string, nowMs: number): Promise<void> {
    const placements = await this.placementItems(imageKey, userId);
    // The record becomes a short-lived deletion marker rather than vanishing: a
    // notification still in flight for this upload can then never recreate it.
    const marker = { image_key: imageKey, user_id: userId, status: 'deleted', deleted_at: iso(nowMs), expires_at: epoch(nowMs) + DELETION_MARKER_SECONDS };
    const writes: WriteRequest[] = [
      { PutRequest: { Item: marker } },
      ...placements.map((p) => ({ DeleteRequest: { Key: { image_key: imageKey, user_id: p.user_id } } })),
    ];
    for (let i = 0; i < writes.length; i += BATCH_WRITE_LIMIT) {
      let requests: WriteRequest[] | undefined = writes.slice(i, i + BATCH_WRITE_LIMIT);
      for (let attempt = 0; requests?.length; attempt++) {
        if (attempt) await backoff(attempt);
        const res: BatchWriteCommandOutput = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.table]: requests } }));
        requests = res.UnprocessedItems?.[this.table] as WriteRequest[] | undefined;
      }
    }
  }

  private async queryAll(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const res = await this.db.send(new QueryCommand({ ...input, ExclusiveStartKey }));
      items.push(...(res.Items ?? []));
      ExclusiveStartKey = res.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }
}

const backoff = (attempt: number) =>
  new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt) * (0.5 + Math.random() / 2)));
