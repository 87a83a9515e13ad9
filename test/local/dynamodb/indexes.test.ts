import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { INDEX, TABLE_DEFINITION } from '../../../src/infra/table.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../src/local/constants.js';
import { startLocalDynamo } from '../../../src/local/dynamodb/index.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const listen = (server: ReturnType<typeof dynalite>) =>
  new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));

describe('local DynamoDB', () => {
  it('adds an index defined in src/infra to a table made before it, keeping the items', async () => {
    const path = await mkdtemp(join(tmpdir(), 'travellog-indexes-'));
    dirs.push(path);
    const TableName = 'images';
    // A data directory from before the label index: the table without it, one item in it.
    const old = dynalite({ path, createTableMs: 0 });
    const oldClient = new DynamoDBClient({ endpoint: await listen(old), region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    const { TimeToLiveAttribute: _ttl, ...definition } = TABLE_DEFINITION;
    await oldClient.send(
      new CreateTableCommand({
        TableName,
        ...definition,
        AttributeDefinitions: definition.AttributeDefinitions.filter((a) => !a.AttributeName.startsWith('label_')),
        GlobalSecondaryIndexes: definition.GlobalSecondaryIndexes.filter((i) => i.IndexName !== INDEX.byLabel),
      }),
    );
    const item = { image_key: { S: 'h.jpg' }, user_id: { S: '456' }, status: { S: 'approved' }, created_at: { S: '2026-01-01T00:00:00.000Z' } };
    await oldClient.send(new PutItemCommand({ TableName, Item: item }));
    oldClient.destroy();
    await new Promise<void>((r) => old.close(() => r()));

    const local = await startLocalDynamo({ path, host: '127.0.0.1', tableName: TableName, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    const client = new DynamoDBClient({ endpoint: local.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    try {
      const { Table } = await client.send(new DescribeTableCommand({ TableName }));
      expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(TABLE_DEFINITION.GlobalSecondaryIndexes.map((i) => i.IndexName).sort());
      const { Item } = await client.send(new GetItemCommand({ TableName, Key: { image_key: item.image_key, user_id: item.user_id } }));
      expect(Item).toEqual(item);
    } finally {
      client.destroy();
      await local.close();
    }
  });
});
