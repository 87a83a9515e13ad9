import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type BatchGetCommandOutput,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { IMAGE_STATUSES, type ImageStatus } from '../../wire/constants.js';

export type Item = Record<string, unknown>;
export type Key = { image_key: string; user_id: string };
type WriteRequest = NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']>[string][number];

/** Record statuses as stored, spelled by the wire's list (a typo does not compile). */
export const STATUS = Object.fromEntries(IMAGE_STATUSES.map((s) => [s, s])) as { readonly [S in ImageStatus]: S };
/** The status of a deletion marker: stored only, never on the wire (see ImageRecords.remove). */
export const DELETED = 'deleted';

export const iso = (ms: number) => new Date(ms).toISOString();
export const epoch = (ms: number) => Math.floor(ms / 1000);

const isConditionFailure = (e: unknown) =>
  e instanceof ConditionalCheckFailedException || (e as { name?: string })?.name === 'ConditionalCheckFailedException';

const BATCH_GET_LIMIT = 100;
const BATCH_WRITE_LIMIT = 25;
const backoff = (attempt: number) =>
  new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt) * (0.5 + Math.random() / 2)));

/**
 * The images table: the one place that names it in requests, and the one
 * update / query / batch (with retries of unprocessed items) helper the item kinds use.
 */
export class Table {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    readonly name: string,
  ) {}

  async get(key: Key): Promise<Item | undefined> {
    return (await this.db.send(new GetCommand({ TableName: this.name, Key: key, ConsistentRead: true }))).Item;
  }

  async put(item: Item): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.name, Item: item }));
  }

  async update(input: Omit<UpdateCommandInput, 'TableName'>): Promise<Item | undefined> {
    return (await this.db.send(new UpdateCommand({ ...input, TableName: this.name }))).Attributes;
  }

  /**
   * A conditional update whose losing condition is an expected outcome, not an
   * error: `written` says which it was; `old` holds what `ReturnValues` asked for.
   */
  async updateIf(input: Omit<UpdateCommandInput, 'TableName'>): Promise<{ written: boolean; attributes?: Item }> {
    try {
      return { written: true, attributes: await this.update(input) };
    } catch (e) {
      if (isConditionFailure(e)) return { written: false };
      throw e;
    }
  }

  /** Every page of a query. */
  async queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
    const items: Item[] = [];
    let ExclusiveStartKey: Item | undefined;
    do {
      const res = await this.db.send(new QueryCommand({ ...input, TableName: this.name, ExclusiveStartKey }));
      items.push(...(res.Items ?? []));
      ExclusiveStartKey = res.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  /** BatchGet in chunks of 100, retrying unprocessed keys with backoff; items in no particular order. */
  async batchGet(keys: Key[], projection: readonly string[]): Promise<Item[]> {
    const out: Item[] = [];
    const names = Object.fromEntries(projection.map((a, i) => [`#p${i}`, a]));
    for (let i = 0; i < keys.length; i += BATCH_GET_LIMIT) {
      let pending: Item[] | undefined = keys.slice(i, i + BATCH_GET_LIMIT);
      for (let attempt = 0; pending?.length; attempt++) {
        if (attempt) await backoff(attempt);
        const res: BatchGetCommandOutput = await this.db.send(
          new BatchGetCommand({
            RequestItems: { [this.name]: { Keys: pending, ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names } },
          }),
        );
        out.push(...(res.Responses?.[this.name] ?? []));
        pending = res.UnprocessedKeys?.[this.name]?.Keys;
      }
    }
    return out;
  }

  /** BatchWrite in chunks of 25, retrying unprocessed items with backoff. */
  async batchWrite(writes: WriteRequest[]): Promise<void> {
    for (let i = 0; i < writes.length; i += BATCH_WRITE_LIMIT) {
      let pending: WriteRequest[] | undefined = writes.slice(i, i + BATCH_WRITE_LIMIT);
      for (let attempt = 0; pending?.length; attempt++) {
        if (attempt) await backoff(attempt);
        const res: BatchWriteCommandOutput = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.name]: pending } }));
        pending = res.UnprocessedItems?.[this.name] as WriteRequest[] | undefined;
      }
    }
  }
}
