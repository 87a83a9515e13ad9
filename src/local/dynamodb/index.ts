import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { TABLE_DEFINITION } from '../../infra/table.js';

export interface LocalDynamo {
  endpoint: string;
  close(): Promise<void>;
}

/** dynalite (LevelDB under `path`), with the images table created from the shared definition. */
export const startLocalDynamo = async (o: {
  path: string;
  host: string;
  port?: number;
  tableName: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}): Promise<LocalDynamo> => {
  const server = dynalite({ path: o.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, o.host, () => resolve());
  });
  const endpoint = `http://${o.host}:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ endpoint, region: o.region, credentials: o.credentials });
  try {
    await client.send(new DescribeTableCommand({ TableName: o.tableName }));
  } catch (e) {
    if (!(e instanceof ResourceNotFoundException)) throw e;
    // dynalite has no TTL: the attribute is honoured by reads and the local sweeper.
    const { TimeToLiveAttribute: _ttl, ...definition } = TABLE_DEFINITION;
    await client.send(new CreateTableCommand({ TableName: o.tableName, ...definition }));
  }
  client.destroy();
  return {
    endpoint,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
};
