import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  ScanCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { TABLE_DEFINITION } from '../../infra/table.js';
import { privateSocket } from '../private-socket.js';
import { startSignedFront } from '../signed-front.js';

export interface LocalDynamo {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * dynalite (LevelDB under `path`) on a private unix socket, reachable only through a front
 * that verifies SigV4 with `credentials`; the images table is created from the shared definition.
 */
export const startLocalDynamo = async (o: {
  path: string;
  host: string;
  port?: number;
  tableName: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}): Promise<LocalDynamo> => {
  const socket = await privateSocket('dynamodb');
  const server = dynalite({ path: o.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket.path, () => resolve());
  });
  const closeStore = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    }).then(() => socket.remove());
  const front = await startSignedFront({ host: o.host, port: o.port, upstreamSocket: socket.path, service: 'dynamodb', region: o.region, credentials: o.credentials }).catch(
    async (e: unknown) => {
      await closeStore();
      throw e;
    },
  );
  const close = async () => {
    await front.close();
    await closeStore();
  };
  const client = new DynamoDBClient({ endpoint: front.endpoint, region: o.region, credentials: o.credentials });
  // dynalite has no TTL: the attribute is honoured by reads and the local sweeper.
  const { TimeToLiveAttribute: _ttl, ...definition } = TABLE_DEFINITION;
  const create = async () => {
    await client.send(new CreateTableCommand({ TableName: o.tableName, ...definition }));
    // dynalite answers CREATING and flips to ACTIVE on a timer: a write before that is a ResourceNotFoundException.
    for (let i = 0; i < 200; i++) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: o.tableName })).catch(() => ({ Table: undefined }));
      if (Table?.TableStatus === 'ACTIVE') return;
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: o.tableName }));
    const have = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    if (definition.GlobalSecondaryIndexes.some((i) => !have.has(i.IndexName))) await recreateWithItems(client, o.tableName, create);
  } catch (e) {
    if (!(e instanceof ResourceNotFoundException)) {
      client.destroy();
      await close();
      throw e;
    }
    await create();
  }
  client.destroy();
  return { endpoint: front.endpoint, close };
};

/**
 * A table made before an index was added to src/infra/table.ts: dynalite cannot add a GSI
 * (UpdateTable's Create is accepted but ignored), so the local table is rebuilt with every
 * index and its items copied back. Local data only; on AWS the template adds the index.
 */
const recreateWithItems = async (client: DynamoDBClient, TableName: string, create: () => Promise<unknown>): Promise<void> => {
  const items: Record<string, AttributeValue>[] = [];
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const res = await client.send(new ScanCommand({ TableName, ExclusiveStartKey }));
    items.push(...(res.Items ?? []));
    ExclusiveStartKey = res.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  await client.send(new DeleteTableCommand({ TableName }));
  // dynalite deletes asynchronously: creating the table again before it is gone fails (ResourceInUse).
  for (let i = 0; i < 500; i++) {
    const gone = await client.send(new DescribeTableCommand({ TableName })).then(
      () => false,
      (e: unknown) => e instanceof ResourceNotFoundException,
    );
    if (gone) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  await create();
  for (let i = 0; i < items.length; i += 25) {
    let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (requests.length) {
      const res = await client.send(new BatchWriteItemCommand({ RequestItems: { [TableName]: requests } }));
      requests = (res.UnprocessedItems?.[TableName] ?? []) as typeof requests;
    }
  }
};
