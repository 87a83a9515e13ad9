import '../helpers/quiet-powertools.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Env } from '../../src/config.js';
import { createAnalyzer } from '../../src/handlers/analyzer.js';
import { createAuthorizer } from '../../src/handlers/authorizer.js';
import { createHealthHandler } from '../../src/handlers/health.js';
import { createImagesHandler } from '../../src/handlers/images.js';
import { createObtainHandler } from '../../src/handlers/obtain.js';
import { createReceiverHandler } from '../../src/handlers/receiver.js';
import { createScanHandler } from '../../src/handlers/scan.js';
import { createNotifier } from '../../src/handlers/notifier.js';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startLocalQueues } from '../../src/local/sqs/index.js';
import { LOCAL_ACCOUNT_ID } from '../../src/local/constants.js';
import { newWebhookSecret, startWebhookReceiver } from '../helpers/webhook-receiver.js';
import { FUNCTIONS, type FunctionSpec } from '../../src/infra/functions.js';
import { LOCAL_CREDENTIALS, LOCAL_HOST, LOCAL_REGION } from '../../src/local/constants.js';
import { startLocalDynamo } from '../../src/local/dynamodb/index.js';
import { startLocalS3 } from '../../src/local/s3/index.js';
import { DEFAULT_LOCAL_SECRET, mintToken } from '../../src/local/token.js';
import { sha256, solidPng } from '../helpers/images.js';
import { apiEvent, lambdaContext, s3Notification, s3Record, sqsEvent, sqsRecord } from '../helpers/lambda-events.js';

/**
 * Each function runs against its own recording proxies in front of local
 * DynamoDB, S3 and a stand-in Rekognition, through a scenario touching every
 * code path; what it really called must be exactly what its role allows.
 */
type Name = FunctionSpec['name'];
const BUCKET = 'perm-bucket';
const TABLE = 'perm-table';
const calls = new Map<Name, Set<string>>(FUNCTIONS.map((f) => [f.name, new Set<string>()]));
const servers: Server[] = [];
const closers: (() => Promise<void>)[] = [];

const listen = async (server: Server) => {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, LOCAL_HOST, r));
  return `http://${LOCAL_HOST}:${(server.address() as AddressInfo).port}`;
};

const readBody = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};

/** Forwards to `target` (keeping Host, so signatures stay valid) and records the IAM action of each call. */
const recordingProxy = (fn: Name, target: string, classify: (req: IncomingMessage, body: Buffer, status: number) => string[]) =>
  listen(
    createServer(async (req, res) => {
      const body = await readBody(req);
      const url = new URL(target);
      const upstream = request({ host: url.hostname, port: url.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
        for (const action of classify(req, body, up.statusCode ?? 0)) calls.get(fn)!.add(action);
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      upstream.end(body);
    }),
  );

const dynamoAction = (req: IncomingMessage, body: Buffer) => {
  const op = String(req.headers['x-amz-target']).split('.')[1];
  const onIndex = op === 'Query' && 'IndexName' in JSON.parse(body.toString() || '{}');
  return [`dynamodb:${op}@${onIndex ? 'tableIndexes' : 'table'}`];
};
const s3Action = (req: IncomingMessage, _body: Buffer, status: number) => {
  const [, ...key] = new URL(req.url!, 'http://x').pathname.split('/').filter(Boolean);
  if (key.length === 0) return ['s3:ListBucket@bucket'];
  const byMethod: Record<string, string> = { GET: 's3:GetObject', HEAD: 's3:GetObject', PUT: 's3:PutObject', DELETE: 's3:DeleteObject' };
  // Writes under variants/ are granted on that prefix only (reads and deletes come with objects/*).
  const scope = req.method === 'PUT' && key[0] === 'variants' ? 'variants' : 'objects';
  // Without s3:ListBucket, S3 answers 403 instead of 404 for a missing key.
  return [`${byMethod[req.method!]}@${scope}`, ...(status === 404 ? ['s3:ListBucket@bucket'] : [])];
};
const rekognitionAction = (req: IncomingMessage) => [`rekognition:${String(req.headers['x-amz-target']).split('.')[1]}@any`];
const JWT_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:perm-jwt-AbCdEf';
const PAGE_TOKEN_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:perm-page-token-AbCdEf';
const WEBHOOK_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:perm-webhook-AbCdEf';
const secretsAction = (req: IncomingMessage, body: Buffer) => {
  const { SecretId } = JSON.parse(body.toString() || '{}') as { SecretId?: string };
  const scope = SecretId === JWT_SECRET_ARN ? 'jwtSecret' : SecretId === WEBHOOK_SECRET_ARN ? 'webhookSecret' : SecretId === PAGE_TOKEN_SECRET_ARN ? 'pageTokenSecret' : SecretId;
  return [`secretsmanager:${String(req.headers['x-amz-target']).split('.')[1]}@${scope}`];
};
// SQS's batch operations are authorized by the single-message action (SendMessageBatch needs sqs:SendMessage).
const jsonTarget = (service: string, scope: string) => (req: IncomingMessage) => [
  `${service}:${String(req.headers['x-amz-target']).split('.')[1]!.replace(/^(SendMessage|DeleteMessage|ChangeMessageVisibility)Batch$/, '$1')}@${scope}`,
];

const declared = (f: FunctionSpec) => new Set(f.permissions.filter((p) => !p.byService).flatMap((p) => p.actions.map((a) => `${a}@${p.on}`)));

describe('each role allows exactly what its function calls', () => {
  let envOf: (fn: Name) => Promise<Env>;
  let dataDir: string;
  let webhookQueue: { endpoint: string; queueUrl: string };
  const webhookSecret = newWebhookSecret();

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'travellog-perm-'));
    const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
    const dynamo = await startLocalDynamo({ ...common, path: join(dataDir, 'db'), host: LOCAL_HOST, tableName: TABLE });
    const s3 = await startLocalS3({ ...common, dataDir: join(dataDir, 's3'), host: LOCAL_HOST, buckets: [BUCKET] });
    closers.push(dynamo.close, s3.close);
    const rekognition = await listen(
      createServer((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ Labels: [{ Name: 'Beach', Confidence: 97.5, Parents: [{ Name: 'Nature' }] }], LabelModelVersion: '3.0' }));
      }),
    );
    // EventBridge's PutEvents, answered as AWS does (every entry accepted).
    const eventBridge = await listen(
      createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          const { Entries } = JSON.parse(body) as { Entries: unknown[] };
          res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1' });
          res.end(JSON.stringify({ FailedEntryCount: 0, Entries: Entries.map((_, i) => ({ EventId: `e${i}` })) }));
        });
      }),
    );
    const queues = await startLocalQueues({
      ...common,
      accountId: LOCAL_ACCOUNT_ID,
      dataDir: join(dataDir, 'sqs'),
      queue: { name: 'webhooks', dlqName: 'webhooks-dlq', visibilityTimeoutSeconds: 30, maxReceiveCount: 8 },
    });
    closers.push(queues.close);
    webhookQueue = queues;
    const secrets = await listen(
      createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          const id = (JSON.parse(body) as { SecretId: string }).SecretId;
          const value = id === JWT_SECRET_ARN ? DEFAULT_LOCAL_SECRET : id === WEBHOOK_SECRET_ARN ? webhookSecret : id === PAGE_TOKEN_SECRET_ARN ? 'p'.repeat(64) : undefined;
          res.writeHead(value ? 200 : 400, { 'Content-Type': 'application/x-amz-json-1.1' });
          res.end(JSON.stringify(value ? { ARN: id, Name: 'perm', SecretString: value, VersionId: 'v1' } : { __type: 'ResourceNotFoundException' }));
        });
      }),
    );
    envOf = async (fn) => ({
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: await recordingProxy(fn, dynamo.endpoint, dynamoAction),
      AWS_ENDPOINT_URL_S3: await recordingProxy(fn, s3.endpoint, s3Action),
      AWS_ENDPOINT_URL_REKOGNITION: await recordingProxy(fn, rekognition, rekognitionAction),
      AWS_ENDPOINT_URL_SECRETS_MANAGER: await recordingProxy(fn, secrets, secretsAction),
      AWS_ENDPOINT_URL_SQS: await recordingProxy(fn, webhookQueue.endpoint, jsonTarget('sqs', 'webhookQueue')),
      AWS_ENDPOINT_URL_EVENTBRIDGE: await recordingProxy(fn, eventBridge, jsonTarget('events', 'defaultEventBus')),
      // As the template sets them for the functions that emit completion events (and a webhook configured).
      EVENT_BUS_NAME: 'default',
      WEBHOOK_QUEUE_URL: webhookQueue.queueUrl,
      S3_FORCE_PATH_STYLE: 'true',
      IMAGES_BUCKET_NAME: BUCKET,
      IMAGES_TABLE_NAME: TABLE,
      // As in AWS: the secret's ARN, not its value (JWT_SECRET is the local stack's).
      JWT_SECRET_ARN,
      PAGE_TOKEN_SECRET_ARN,
      LABEL_DETECTOR: 'rekognition',
    });
  });
  afterAll(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
    for (const close of closers) await close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('records every call of a scenario through all functions and compares with the template roles', async () => {
    const user = 'perm-user';
    const photo = solidPng([12, 34, 56]);
    const hash = sha256(photo);
    const fileName = `${user}-${hash}.png`;
    const missing = `${user}-${'f'.repeat(64)}.png`;
    const ctx = lambdaContext();

    const authorizer = createAuthorizer(await envOf('authorizer'));
    const policy = await authorizer({ type: 'TOKEN', authorizationToken: `Bearer ${await mintToken(user)}`, methodArn: 'arn:aws:execute-api:us-east-1:1:api/v1/GET/scan' });
    expect(policy.context?.user_id).toBe(user);

    const receiver = createReceiverHandler(await envOf('receiver'));
    const body = JSON.stringify({ image_hash: hash, content_type: 'image/png', post_id: 1, user_id: user, picture_id: 1, post: { trip_id: 2, location_id: 3, content: '' } });
    const reg = await receiver(apiEvent({ method: 'POST', resource: '/receiver', body, userId: user }), ctx);
    expect(reg.statusCode).toBe(201);
    const { upload_url, upload_headers } = JSON.parse(reg.body);
    expect((await fetch(upload_url, { method: 'PUT', headers: upload_headers, body: new Uint8Array(photo) })).status).toBe(200);
    expect((await receiver(apiEvent({ method: 'POST', resource: '/receiver', body, userId: user }), ctx)).statusCode).toBe(200);

    const analyzer = createAnalyzer(await envOf('analyzer'));
    const upload = (key: string, id: string) => sqsRecord(s3Notification(s3Record({ bucket: BUCKET, key, size: photo.length })), { messageId: id });
    const analysed = await analyzer(sqsEvent(upload(fileName, 'm1'), upload(missing, 'm2')), ctx);
    expect(analysed.batchItemFailures).toEqual([]);

    const obtain = createObtainHandler(await envOf('obtain'));
    const found = await obtain(apiEvent({ method: 'GET', resource: '/obtain/{file_name}', pathParameters: { file_name: fileName }, userId: user }), ctx);
    expect(found.statusCode).toBe(302);
    expect((await fetch(String(found.headers!.Location))).status).toBe(200);
    expect((await obtain(apiEvent({ method: 'GET', resource: '/obtain/{file_name}', pathParameters: { file_name: missing }, userId: user }), ctx)).statusCode).toBe(404);

    const scan = createScanHandler(await envOf('scan'));
    for (const query of [[], [['post_id', '1']], [['label', 'beach>50']]] as [string, string][][]) {
      const r = await scan(apiEvent({ method: 'GET', resource: '/scan', query, userId: user }), ctx);
      expect(JSON.parse(r.body).images).toEqual([fileName]);
    }
    // A next_token is checked with the page-token key, read from its own secret.
    const edited = await scan(apiEvent({ method: 'GET', resource: '/scan', query: [['next_token', 'AAAA.BBBB']], userId: user }), ctx);
    expect(JSON.parse(edited.body)).toMatchObject({ error: 'invalid_next_token' });

    const images = createImagesHandler(await envOf('images'));
    const view = await images(apiEvent({ method: 'GET', resource: '/images/{file_name}', pathParameters: { file_name: fileName }, userId: user }), ctx);
    expect(JSON.parse(view.body)).toMatchObject({ status: 'approved', analysis_source: 'detected' });
    expect((await images(apiEvent({ method: 'DELETE', resource: '/images/{file_name}', pathParameters: { file_name: fileName }, userId: user }), ctx)).statusCode).toBe(204);

    const health = createHealthHandler(await envOf('health'));
    expect((await health(apiEvent({ method: 'GET', resource: '/health', userId: null }), ctx)).statusCode).toBe(200);

    // The notifier: one webhook refused (backoff: ChangeMessageVisibility), one delivered; the secret read once.
    const receiver500 = await startWebhookReceiver((n) => (n === 1 ? 500 : 204));
    closers.push(receiver500.close);
    const notifier = createNotifier({ ...(await envOf('notifier')), WEBHOOK_URL: receiver500.url, WEBHOOK_SECRET_ARN, WEBHOOK_QUEUE_URL: webhookQueue.queueUrl });
    const direct = new SQSClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: webhookQueue.endpoint });
    await direct.send(new SendMessageCommand({ QueueUrl: webhookQueue.queueUrl, MessageBody: JSON.stringify({ id: 'msg_1', body: '{}' }) }));
    const [queued] = (await direct.send(new ReceiveMessageCommand({ QueueUrl: webhookQueue.queueUrl, MessageSystemAttributeNames: ['All'] }))).Messages!;
    direct.destroy();
    const refused = { ...sqsRecord(queued!.Body!, { messageId: queued!.MessageId! }), receiptHandle: queued!.ReceiptHandle! };
    expect((await notifier(sqsEvent(refused), ctx)).batchItemFailures).toHaveLength(1);
    expect((await notifier(sqsEvent(sqsRecord({ id: 'msg_2', body: '{}' })), ctx)).batchItemFailures).toEqual([]);
    expect(receiver500.received).toHaveLength(2);

    for (const f of FUNCTIONS) expect([...calls.get(f.name)!].sort(), f.name).toEqual([...declared(f)].sort());
  });
});
