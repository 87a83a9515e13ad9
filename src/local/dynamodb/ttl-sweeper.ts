import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ATTR } from '../../infra/table.js';

/**
 * Stands in for DynamoDB's TTL process, which dynalite lacks: deletes items whose
 * `expires_at` has passed. A table Scan is right here (it is what the TTL service
 * does internally) and is never used by the API, which reads through Queries.
 */
export const startTtlSweeper = (o: {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  tableName: string;
  intervalMs: number;
  onError?: (e: unknown) => void;
}) => {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: o.endpoint, region: o.region, credentials: o.credentials }));
  let running: Promise<number> | undefined;
  const sweep = async (): Promise<number> => {
    let deleted = 0;
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await db.send(
        new ScanCommand({
          TableName: o.tableName,
          FilterExpression: '#ttl <= :now',
          ExpressionAttributeNames: { '#ttl': ATTR.ttl, '#pk': ATTR.partition, '#sk': ATTR.sort },
          ExpressionAttributeValues: { ':now': Math.floor(Date.now() / 1000) },
          ProjectionExpression: '#pk, #sk',
          ExclusiveStartKey,
        }),
      );
      const keys = page.Items ?? [];
      for (let i = 0; i < keys.length; i += 25) {
        await db.send(
          new BatchWriteCommand({
            RequestItems: { [o.tableName]: keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } })) },
          }),
        );
      }
      deleted += keys.length;
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return deleted;
  };
  const tick = () => {
    running ??= sweep()
      .catch((e) => {
        o.onError?.(e);
        return 0;
      })
      .finally(() => (running = undefined));
    return running;
  };
  const timer = setInterval(tick, o.intervalMs);
  timer.unref();
  return {
    /** Runs one sweep now; resolves with the number of items deleted. */
    sweep: tick,
    async stop() {
      clearInterval(timer);
      await running;
      db.destroy();
    },
  };
};
