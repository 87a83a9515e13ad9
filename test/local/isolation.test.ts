import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/local/constants.js';
import { LOCAL_BUCKET, LOCAL_TABLE } from '../../src/local/stack.js';
import { solidPng } from '../helpers/images.js';
import { Api, bootStack, type Booted } from '../helpers/stack-harness.js';

/** Socket inodes this process holds open (Linux /proc). */
const ownSocketInodes = (): Set<string> => {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      /* closed meanwhile */
    }
  }
  return inodes;
};

/** TCP ports this process listens on. */
const listeningTcpPorts = (): Set<number> => {
  const own = ownSocketInodes();
  const ports = new Set<number>();
  for (const table of ['/proc/self/net/tcp', '/proc/self/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[3] === '0A' && own.has(f[9] ?? '')) ports.add(parseInt(f[1]!.split(':')[1]!, 16)); // 0A = LISTEN
    }
  }
  return ports;
};

/** Unix socket paths this process listens on. */
const listeningUnixPaths = (): string[] => {
  const own = ownSocketInodes();
  return readFileSync('/proc/self/net/unix', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[7] && f[3] === '00010000' && own.has(f[6] ?? '')) // __SO_ACCEPTCON: listening
    .map((f) => f[7]!);
};

const portOf = (url: string) => Number(new URL(url).port);

describe('the stand-ins are reachable only through the checks the API makes', () => {
  let booted: Booted;
  let fileName: string;
  let portsBefore: Set<number>;
  beforeAll(async () => {
    portsBefore = listeningTcpPorts();
    booted = await bootStack();
    const api = await Api.as(booted.stack.url, '456');
    fileName = (await api.upload(solidPng([1, 2, 3]), { user_id: 456 })).file_name;
  });
  afterAll(() => booted?.stack.stop());

  it('keeps the data directory private (0700)', async () => {
    expect((await stat(booted.dataDir)).mode & 0o777).toBe(0o700);
  });

  it('listens on TCP only with the gateway and the three verifying fronts; the raw servers are unix sockets in 0700 directories', async () => {
    const opened = [...listeningTcpPorts()].filter((p) => !portsBefore.has(p)).sort();
    const { url, s3Endpoint, dynamoEndpoint, sqsEndpoint } = booted.stack;
    expect(opened).toEqual([url, s3Endpoint, dynamoEndpoint, sqsEndpoint].map(portOf).sort());
    const sockets = listeningUnixPaths().filter((p) => p.includes('travellog-'));
    expect(sockets.map((p) => p.split('/').at(-1)).sort()).toEqual(['dynamodb.sock', 's3.sock', 'sqs.sock']);
    for (const socket of sockets) expect((await stat(dirname(socket))).mode & 0o777, socket).toBe(0o700);
  });

  it('refuses unsigned S3 reads and writes of a stored original', async () => {
    const object = `${booted.stack.s3Endpoint}/${LOCAL_BUCKET}/${fileName}`;
    expect((await fetch(object)).status).toBe(403);
    const put = await fetch(object, { method: 'PUT', body: 'replaced', headers: { 'Content-Type': 'image/png' } });
    expect(put.status).toBe(403);
  });

  it('refuses S3, DynamoDB and SQS requests signed with the old well-known local credentials', async () => {
    const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
    const s3 = new S3Client({ ...common, endpoint: booted.stack.s3Endpoint, forcePathStyle: true });
    await expect(s3.send(new GetObjectCommand({ Bucket: LOCAL_BUCKET, Key: fileName }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    const db = new DynamoDBClient({ ...common, endpoint: booted.stack.dynamoEndpoint, maxAttempts: 1 });
    await expect(db.send(new ScanCommand({ TableName: LOCAL_TABLE }))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    const sqs = new SQSClient({ ...common, endpoint: booted.stack.sqsEndpoint, maxAttempts: 1 });
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: booted.stack.queueUrl, MessageBody: '{"Records":[]}' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 400 },
    });
    for (const c of [s3, db, sqs]) c.destroy();
  });

  it('refuses unsigned DynamoDB and SQS calls (reading every record, injecting an S3 event)', async () => {
    const scan = await fetch(booted.stack.dynamoEndpoint, {
      method: 'POST',
      headers: { 'X-Amz-Target': 'DynamoDB_20120810.Scan', 'Content-Type': 'application/x-amz-json-1.0' },
      body: JSON.stringify({ TableName: LOCAL_TABLE }),
    });
    expect(scan.status).toBe(403);
    expect(await scan.text()).not.toContain(fileName);
    const inject = await fetch(booted.stack.sqsEndpoint, {
      method: 'POST',
      headers: { 'X-Amz-Target': 'AmazonSQS.SendMessage', 'Content-Type': 'application/x-amz-json-1.0' },
      body: JSON.stringify({ QueueUrl: booted.stack.queueUrl, MessageBody: '{}' }),
    });
    expect(inject.status).toBe(403);
  });

  it('a forged signature (right key id, wrong secret) is refused; the stack’s own credentials work', async () => {
    const forged = { region: LOCAL_REGION, credentials: { accessKeyId: booted.stack.credentials.accessKeyId, secretAccessKey: 'guess' } };
    const db = new DynamoDBClient({ ...forged, endpoint: booted.stack.dynamoEndpoint, maxAttempts: 1 });
    await expect(db.send(new ScanCommand({ TableName: LOCAL_TABLE }))).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    db.destroy();
    const own = new DynamoDBClient({ region: LOCAL_REGION, credentials: booted.stack.credentials, endpoint: booted.stack.dynamoEndpoint });
    const { Count } = await own.send(new ScanCommand({ TableName: LOCAL_TABLE }));
    expect(Count).toBeGreaterThan(0);
    own.destroy();
  });
});
