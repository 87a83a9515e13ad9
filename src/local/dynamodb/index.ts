import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
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
  try {
    await client.send(new DescribeTableCommand({ TableName: o.tableName }));
  } catch (e) {
    if (!(e instanceof ResourceNotFoundException)) {
      client.destroy();
      await close();
      throw e;
    }
    // dynalite has no TTL: the attribute is honoured by reads and the local sweeper.
    const { TimeToLiveAttribute: _ttl, ...definition } = TABLE_DEFINITION;
    await client.send(new CreateTableCommand({ TableName: o.tableName, ...definition }));
    // dynalite answers CREATING and flips to ACTIVE on a timer: a write before that is a ResourceNotFoundException.
    while ((await client.send(new DescribeTableCommand({ TableName: o.tableName }))).Table?.TableStatus !== 'ACTIVE') {
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  client.destroy();
  return { endpoint: front.endpoint, close };
};
