import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { isExpired } from '../../core/image-record.js';
import { imageKeyOfRank, labelIndexKey, lowestRankAbove } from '../../core/label-index.js';
import type { LabelFilter } from '../../core/label-filter.js';
import { GROUP_KEY_ATTRIBUTE, groupKey } from '../../core/keys.js';
import { indexAnswersExactly, type AccessPath } from '../../core/scan-access.js';
import type { IndexEntry, IndexKey, PageSource } from '../../core/scan-page.js';
import type { ScanCandidate, ScanPlan } from '../../core/scan-plan.js';
import { ATTR, INDEX, USER_INDEX_PROJECTION } from '../../infra/table.js';
import type { ScanIndex } from '../../ports/scan-index.js';
import { Table } from './table.js';

const GROUP_INDEX = { post_id: INDEX.byPost, trip_id: INDEX.byTrip, location_id: INDEX.byLocation } as const;
const RECORD_PROJECTION = ['image_key', 'file_name', 'status', 'rekognition_results', 'expires_at'];
type Item = Record<string, unknown>;

const names = (attrs: readonly string[]) => Object.fromEntries(attrs.map((a, i) => [`#p${i}`, a]));
const projection = (attrs: readonly string[]) => attrs.map((_, i) => `#p${i}`).join(', ');
const pick = (item: Item, attrs: readonly string[]): IndexKey => Object.fromEntries(attrs.map((a) => [a, String(item[a])]));

/**
 * `GET /scan`'s reads: the user index, a group index or the label index, each in key
 * order with `ExclusiveStartKey` = the last image's full key (index + table keys).
 */
export class DynamoScanIndex implements ScanIndex {
  private readonly recordTable: Table;
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {
    this.recordTable = new Table(db, table);
  }

  source(userId: string, path: AccessPath): PageSource {
    if (path.kind === 'user') return this.userSource(userId);
    if (path.kind === 'group') {
      const attribute = GROUP_KEY_ATTRIBUTE[path.grouping];
      return this.keyedSource({
        IndexName: GROUP_INDEX[path.grouping],
        KeyConditionExpression: '#g = :g',
        ExpressionAttributeNames: { '#g': attribute },
        ExpressionAttributeValues: { ':g': groupKey(userId, path.groupingId) },
      }, [attribute, ATTR.partition, ATTR.sort], (item) => String(item[ATTR.partition]), userId);
    }
    return this.keyedSource(this.labelQuery(userId, path.filter), [ATTR.labelKey, ATTR.labelRank, ATTR.partition, ATTR.sort], (item) =>
      imageKeyOfRank(String(item[ATTR.labelRank])), userId);
  }

  async countExactly(userId: string, plan: ScanPlan, path: AccessPath, nowMs: number): Promise<number | undefined> {
    if (path.kind === 'label' && indexAnswersExactly(plan, path)) return this.count(this.labelQuery(userId, path.filter));
    if (path.kind === 'user' && !plan.filters.length) {
      return this.count({
        IndexName: INDEX.byUser,
        KeyConditionExpression: 'user_id = :u',
        FilterExpression: '#s <> :waiting AND (attribute_not_exists(#e) OR #e > :now)',
        ExpressionAttributeNames: { '#s': 'status', '#e': ATTR.ttl },
        ExpressionAttributeValues: { ':u': userId, ':waiting': 'waiting', ':now': Math.floor(nowMs / 1000) },
      });
    }
    return undefined;
  }

  async estimate(userId: string, filter: LabelFilter, cap: number): Promise<number> {
    const res = await this.db.send(new QueryCommand({ TableName: this.table, ...this.labelQuery(userId, filter), Select: 'COUNT', Limit: cap }));
    return res.Count ?? 0;
  }

  /** Highest confidence first: the best matches lead the first page. */
  private labelQuery(userId: string, filter: LabelFilter): Omit<QueryCommandInput, 'TableName'> {
    return {
      IndexName: INDEX.byLabel,
      KeyConditionExpression: 'label_key = :k AND label_rank >= :lo',
      ExpressionAttributeValues: { ':k': labelIndexKey(userId, filter.name), ':lo': lowestRankAbove(filter.confidence_threshold) },
      ScanIndexForward: false,
    };
  }

  private async count(input: Omit<QueryCommandInput, 'TableName'>): Promise<number> {
    let n = 0;
    let ExclusiveStartKey: Item | undefined;
    do {
      const res = await this.db.send(new QueryCommand({ TableName: this.table, ...input, Select: 'COUNT', ExclusiveStartKey }));
      n += res.Count ?? 0;
      ExclusiveStartKey = res.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return n;
  }

  private async query(input: Omit<QueryCommandInput, 'TableName'>, after: IndexKey | undefined, limit: number) {
    const res = await this.db.send(new QueryCommand({ TableName: this.table, ...input, Limit: limit, ExclusiveStartKey: after }));
    return { items: res.Items ?? [], lastKey: res.LastEvaluatedKey as IndexKey | undefined };
  }

  /** The user index projects status and labels: its entries are their own records. */
  private userSource(userId: string): PageSource {
    const keyAttrs = [ATTR.sort, ATTR.createdAt, ATTR.partition];
    const attrs = [...new Set([...keyAttrs, ...USER_INDEX_PROJECTION])];
    const held = new Map<string, ScanCandidate>();
    const input = {
      IndexName: INDEX.byUser,
      KeyConditionExpression: '#u = :u',
      ExpressionAttributeNames: { ...names(attrs), '#u': ATTR.sort },
      ExpressionAttributeValues: { ':u': userId },
      ProjectionExpression: projection(attrs),
    };
    return {
      read: async (after, limit) => {
        const { items, lastKey } = await this.query(input, after, limit);
        held.clear();
        const entries = items.map((item): IndexEntry => {
          held.set(String(item[ATTR.partition]), item as unknown as ScanCandidate);
          return { key: pick(item, keyAttrs), imageKey: String(item[ATTR.partition]) };
        });
        return { entries, lastKey };
      },
      records: async (imageKeys) => new Map(imageKeys.flatMap((k) => (held.has(k) ? [[k, held.get(k)!] as const] : []))),
      imageKeyOf: (key) => key[ATTR.partition]!,
    };
  }

  /** Group and label indexes hold keys only: the records are read by key, 100 per BatchGetItem. */
  private keyedSource(
    input: Omit<QueryCommandInput, 'TableName'>,
    keyAttrs: string[],
    imageKeyOf: (item: Item) => string,
    userId: string,
  ): PageSource {
    return {
      read: async (after, limit) => {
        const { items, lastKey } = await this.query(input, after, limit);
        const nowMs = Date.now();
        const entries = items
          .filter((item) => !isExpired(item as { expires_at?: number }, nowMs)) // a placement whose record still waits
          .map((item) => ({ key: pick(item, keyAttrs), imageKey: imageKeyOf(item) }));
        return { entries, lastKey };
      },
      records: (imageKeys) => this.records(imageKeys, userId),
      imageKeyOf: (key) => imageKeyOf(key),
    };
  }

  private async records(imageKeys: string[], userId: string): Promise<Map<string, ScanCandidate>> {
    const items = await this.recordTable.batchGet(imageKeys.map((k) => ({ image_key: k, user_id: userId })), RECORD_PROJECTION);
    return new Map(items.map((item) => [String(item.image_key), item as unknown as ScanCandidate]));
  }
}
