import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION } from '../../src/local/constants.js';
import { LOCAL_TABLE, startStack, type Stack } from '../../src/local/stack.js';
import { TEMPLATE_PATH } from '../../scripts/template.js';

/** The local stack and the template are built from one definition: prove they agree. */
describe('local stack ≡ template', () => {
  let stack: Stack;
  let template: { Resources: Record<string, { Properties: Record<string, unknown> }> };

  beforeAll(async () => {
    template = parse(await readFile(TEMPLATE_PATH, 'utf8'));
    stack = await startStack({ port: 0, labelDetector: 'fixture:', dataDir: await mkdtemp(join(tmpdir(), 'travellog-def-')) });
  });
  afterAll(() => stack?.stop());

  it('creates the same table keys and GSIs (names, keys, projections)', async () => {
    const db = new DynamoDBClient({ region: LOCAL_REGION, credentials: stack.credentials, endpoint: stack.dynamoEndpoint });
    const { Table } = await db.send(new DescribeTableCommand({ TableName: LOCAL_TABLE }));
    db.destroy();
    const expected = template.Resources.ImagesTable!.Properties as {
      KeySchema: unknown;
      GlobalSecondaryIndexes: { IndexName: string; KeySchema: unknown; Projection: { ProjectionType: string; NonKeyAttributes?: string[] } }[];
    };
    expect(Table!.KeySchema).toEqual(expected.KeySchema);
    const local = (Table!.GlobalSecondaryIndexes ?? []).map((g) => ({
      IndexName: g.IndexName,
      KeySchema: g.KeySchema,
      Projection: { ProjectionType: g.Projection!.ProjectionType, NonKeyAttributes: g.Projection!.NonKeyAttributes?.slice().sort() },
    }));
    const remote = expected.GlobalSecondaryIndexes.map((g) => ({ ...g, Projection: { ...g.Projection, NonKeyAttributes: g.Projection.NonKeyAttributes?.slice().sort() } }));
    expect(local.sort((a, b) => a.IndexName!.localeCompare(b.IndexName!))).toEqual(remote.sort((a, b) => a.IndexName.localeCompare(b.IndexName)));
  });

  it('creates the queue with the same visibility timeout, retention and redrive policy', async () => {
    const sqs = new SQSClient({ region: LOCAL_REGION, credentials: stack.credentials, endpoint: stack.sqsEndpoint });
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: stack.queueUrl, AttributeNames: ['All'] }));
    sqs.destroy();
    const queue = template.Resources.UploadsQueue!.Properties as { VisibilityTimeout: number; MessageRetentionPeriod: number; RedrivePolicy: { maxReceiveCount: number } };
    expect(Number(Attributes!.VisibilityTimeout)).toBe(queue.VisibilityTimeout);
    expect(Number(Attributes!.MessageRetentionPeriod)).toBe(queue.MessageRetentionPeriod);
    expect(JSON.parse(Attributes!.RedrivePolicy!).maxReceiveCount).toBe(queue.RedrivePolicy.maxReceiveCount);
  });
});
