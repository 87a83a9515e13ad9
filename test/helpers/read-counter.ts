import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** What a client read: requests, and items returned or examined (Query/Scan: ScannedCount, BatchGet: responses, GetItem: 0 or 1). */
export interface ReadCount {
  calls: number;
  items: number;
  reset(): void;
}

/** A document client that counts the items each read examines — the figure DynamoDB bills reads by. */
export const countingDocumentClient = (config: DynamoDBClientConfig): { doc: DynamoDBDocumentClient; reads: ReadCount } => {
  const reads: ReadCount = {
    calls: 0,
    items: 0,
    reset() {
      this.calls = 0;
      this.items = 0;
    },
  };
  const client = new DynamoDBClient(config);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      const o = out.output as { ScannedCount?: number; Count?: number; Responses?: Record<string, unknown[]>; Item?: unknown };
      if (context.commandName === 'QueryCommand' || context.commandName === 'ScanCommand') {
        reads.calls++;
        reads.items += o.ScannedCount ?? o.Count ?? 0;
      } else if (context.commandName === 'BatchGetItemCommand') {
        reads.calls++;
        reads.items += Object.values(o.Responses ?? {}).reduce((n, r) => n + r.length, 0);
      } else if (context.commandName === 'GetItemCommand') {
        reads.calls++;
        reads.items += o.Item ? 1 : 0;
      }
      return out;
    },
    { step: 'initialize', name: 'countItemsRead' },
  );
  return { doc: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }), reads };
};
