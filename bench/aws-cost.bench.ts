/**
 * npm run bench -- --only cost [--images N] [--write]: what AWS charges per 1,000 distinct images,
 * next to Rekognition's $1.00. Runs the real handlers (the same code as the template's bundles)
 * through one image's life — register, upload, analyse, poll its status, obtain, one search —
 * for N distinct images against local DynamoDB and S3 and a stand-in Rekognition, behind
 * proxies that count every AWS request each function makes and time every invocation. Those
 * counts, the measured durations and the template's memory sizes are priced with the list
 * prices below; what happens outside our code (API Gateway, the client's PUT/GET to S3, S3 → SQS
 * and the event source's receive/delete, logs, Secrets Manager) is the USAGE table. Issues that
 * add work per image add a line to USAGE (or their calls are counted by the run itself).
 */
import '../test/helpers/quiet-powertools.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'; // Node 20 here; the notice is not a figure
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Context } from 'aws-lambda';
import { createAnalyzer } from '../src/handlers/analyzer.js';
import { createAuthorizer } from '../src/handlers/authorizer.js';
import { createImagesHandler } from '../src/handlers/images.js';
import { createObtainHandler } from '../src/handlers/obtain.js';
import { createReceiverHandler } from '../src/handlers/receiver.js';
import { createScanHandler } from '../src/handlers/scan.js';
import { FUNCTIONS, type FunctionSpec } from '../src/infra/functions.js';
import { QUEUE_DEFINITION } from '../src/infra/table.js';
import { LOCAL_CREDENTIALS, LOCAL_HOST, LOCAL_REGION } from '../src/local/constants.js';
import { startLocalDynamo } from '../src/local/dynamodb/index.js';
import { startLocalS3 } from '../src/local/s3/index.js';
import { DEFAULT_LOCAL_SECRET, mintToken } from '../src/local/token.js';
import { sha256, solidPng } from '../test/helpers/images.js';
import { apiEvent, lambdaContext, s3Notification, s3Record, sqsEvent, sqsRecord } from '../test/helpers/lambda-events.js';
import { TEMPLATE_PATH } from '../scripts/template.js';
import { machineFacts, quantile, replaceSection } from './lib.js';

const { values } = parseArgs({ options: { images: { type: 'string', default: '50' }, write: { type: 'boolean', default: false } } });
const N = Number(values.images);

/** List prices, us-east-1, on-demand, no free tier (USD). */
const PRICE = {
  lambdaGbSecondArm: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  apiGatewayRestRequest: 3.5 / 1e6,
  dynamoWriteUnit: 0.625 / 1e6,
  dynamoReadUnit: 0.125 / 1e6,
  s3PutClass: 0.005 / 1000, // PUT, COPY, POST, LIST
  s3GetClass: 0.0004 / 1000, // GET, HEAD and the rest (DELETE is free)
  sqsRequest: 0.4 / 1e6,
  secretsManagerCall: 0.05 / 10_000,
  logsIngestedGb: 0.5,
  rekognitionImage: 1.0 / 1000,
  eventBridgeEvent: 1.0 / 1e6, // custom events put on a bus (each ≤ 64 KB chunk)
  s3StorageGbMonth: 0.023,
};

/**
 * Requests per image made outside our handlers' SDK calls: one line per item, priced by `price`.
 * The life of one image: the backend-server registers it (1 API call), PUTs it to S3, S3 notifies
 * SQS, the event source receives and deletes it; the client polls GET /images until the verdict
 * (POLLS), obtains it once (302, then GETs the object), and one search (/scan) lists it.
 */
const POLLS = 1;
const API_CALLS_PER_IMAGE = 1 + POLLS + 1 + 1; // receiver, images ×POLLS, obtain, scan
export const USAGE: { item: string; perImage: number; price: number }[] = [
  { item: `API Gateway REST requests (receiver, images ×${POLLS}, obtain, scan)`, perImage: API_CALLS_PER_IMAGE, price: PRICE.apiGatewayRestRequest },
  // The run's detector answers one label, whose index item the analyzer's writes above include; GSI replicas are not counted there.
  { item: 'Label index at a typical 10 labels per image: 9 more index items + 10 label-index GSI writes (docs/data-model.md)', perImage: 19, price: PRICE.dynamoWriteUnit },
  { item: 'S3 PUT of the original (client, presigned)', perImage: 1, price: PRICE.s3PutClass },
  { item: 'S3 GET of the original (client, after obtain)', perImage: 1, price: PRICE.s3GetClass },
  { item: 'SQS: S3 notification sent, received and deleted by the event source', perImage: 3, price: PRICE.sqsRequest },
  // One GetSecretValue per authorizer instance per 5 minutes: ≤ 12 per hour per warm instance, not per image.
  { item: 'Secrets Manager GetSecretValue (cold starts and 5-min refreshes; ~1 per 100 images at low traffic)', perImage: 0.01, price: PRICE.secretsManagerCall },
  // Lambda's START/END/REPORT lines (~0.5 KB JSON per invocation) and one API access log line (~0.45 KB).
  // Completion events (SPEC §3.8): one image.analysed per image; the webhook lines only with a WebhookUrl.
  { item: 'EventBridge PutEvents: image.analysed on the default bus', perImage: 1, price: PRICE.eventBridgeEvent },
  { item: 'Webhook (WebhookUrl set): SQS send by the analyzer, receive and delete by the event source', perImage: 3, price: PRICE.sqsRequest },
  { item: 'Webhook: notifier invocation (1 per event at low traffic; up to 10 events per invocation under load)', perImage: 1, price: PRICE.lambdaRequest },
  // Assumed 150 ms billed at 256 MB: signing takes < 1 ms (npm run bench -- --only webhooks); the rest is the receiver's answer.
  { item: 'Webhook: notifier duration, 150 ms at 256 MB (GB-seconds)', perImage: 0.15 * 0.25, price: PRICE.lambdaGbSecondArm },
  // Issue 14 (variants). The run below decodes an 8×8 PNG, so the decode time of a real photo is added here:
  // ≈ 2.5 s of one core for a 12 MP JPEG (docs/benchmarks.md, "Image variants") at the analyzer's 2,048 MB.
  { item: 'Analyzer: decoding a 12 MP photo into thumb + preview (≈ 2.5 s × 2 GB, GB-s)', perImage: 2.5 * 2, price: PRICE.lambdaGbSecondArm },
  // The analyzer's two variant PUTs notify the queue too (ignored by key, but sent, received and deleted).
  { item: 'SQS: the two variant PUTs notified, received and deleted', perImage: 6, price: PRICE.sqsRequest },
  { item: 'S3 storage of the variants, one month (≈ 0.5 MB per distinct image, GB)', perImage: 0.5 / 1024, price: PRICE.s3StorageGbMonth },
  { item: 'CloudWatch Logs ingested: platform lines and access log (KB)', perImage: (0.5 * (API_CALLS_PER_IMAGE * 2 + 1) + 0.45 * API_CALLS_PER_IMAGE), price: PRICE.logsIngestedGb / 1024 / 1024 },
];

type Name = FunctionSpec['name'];
const BUCKET = 'cost-bucket';
const TABLE = 'cost-table';
const servers: Server[] = [];
const listen = async (server: Server) => {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, LOCAL_HOST, r));
  return `http://${LOCAL_HOST}:${(server.address() as AddressInfo).port}`;
};

/** Priced units per function: `dynamodb:read` and `dynamodb:write` are capacity units (1 per item ≤ 1 KB / 4 KB). */
const counted = new Map<Name, Map<string, number>>(FUNCTIONS.map((f) => [f.name, new Map()]));
let counting = true;
const add = (fn: Name, unit: string, n = 1) => counting && counted.get(fn)!.set(unit, (counted.get(fn)!.get(unit) ?? 0) + n);

const dynamoUnits = (op: string, req: Record<string, unknown>, res: Record<string, unknown>): [string, number][] => {
  if (op === 'BatchWriteItem') return [['dynamodb:write', Object.values(req.RequestItems as Record<string, unknown[]>).flat().length]];
  if (op === 'PutItem' || op === 'UpdateItem' || op === 'DeleteItem') return [['dynamodb:write', 1]];
  if (op === 'BatchGetItem') return [['dynamodb:read', Object.values((res.Responses ?? {}) as Record<string, unknown[]>).flat().length || 1]];
  if (op === 'Query') return [['dynamodb:read', Math.max(1, Math.ceil(Number(res.ScannedCount ?? 0) / 4))]]; // small items: 4 per 4 KB unit, pessimistic
  return [['dynamodb:read', 1]]; // GetItem
};

const proxy = (fn: Name, target: string, classify: (req: IncomingMessage, body: Buffer, status: number, response: Buffer) => [string, number][]) =>
  listen(
    createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks);
      const url = new URL(target);
      const upstream = request({ host: url.hostname, port: url.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
        const out: Buffer[] = [];
        up.on('data', (d: Buffer) => out.push(d));
        up.on('end', () => {
          for (const [unit, n] of classify(req, body, up.statusCode ?? 0, Buffer.concat(out))) add(fn, unit, n);
          res.writeHead(up.statusCode ?? 502, up.headers);
          res.end(Buffer.concat(out));
        });
      });
      upstream.end(body);
    }),
  );

const json = (b: Buffer) => (b.length ? (JSON.parse(b.toString()) as Record<string, unknown>) : {});
const dynamo = (req: IncomingMessage, body: Buffer, _s: number, response: Buffer) => dynamoUnits(String(req.headers['x-amz-target']).split('.')[1]!, json(body), json(response));
const s3 = (req: IncomingMessage): [string, number][] => [[req.method === 'PUT' || req.method === 'POST' ? 's3:put' : req.method === 'DELETE' ? 's3:delete' : 's3:get', 1]];
const rekognitionUnits = (): [string, number][] => [["rekognition:image", 1]];

const durations = new Map<Name, number[]>(FUNCTIONS.map((f) => [f.name, []]));
const timed = async <T>(fn: Name, call: () => Promise<T>) => {
  const t = performance.now();
  const out = await call();
  durations.get(fn)!.push(performance.now() - t);
  add(fn, 'lambda:invocation');
  return out;
};

const dataDir = await mkdtemp(join(tmpdir(), 'travellog-cost-'));
const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
const db = await startLocalDynamo({ ...common, path: join(dataDir, 'db'), host: LOCAL_HOST, tableName: TABLE });
const store = await startLocalS3({ ...common, dataDir: join(dataDir, 's3'), host: LOCAL_HOST, buckets: [BUCKET] });
const detector = await listen(
  createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify({ Labels: [{ Name: 'Beach', Confidence: 97.5, Parents: [{ Name: 'Nature' }] }], LabelModelVersion: '3.0' }));
  }),
);
const envOf = async (fn: Name) => ({
  AWS_REGION: LOCAL_REGION,
  AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  AWS_ENDPOINT_URL_DYNAMODB: await proxy(fn, db.endpoint, dynamo),
  AWS_ENDPOINT_URL_S3: await proxy(fn, store.endpoint, s3),
  AWS_ENDPOINT_URL_REKOGNITION: await proxy(fn, detector, rekognitionUnits),
  S3_FORCE_PATH_STYLE: 'true',
  IMAGES_BUCKET_NAME: BUCKET,
  IMAGES_TABLE_NAME: TABLE,
  JWT_SECRET: DEFAULT_LOCAL_SECRET,
  PAGE_TOKEN_SECRET: DEFAULT_LOCAL_SECRET,
  LABEL_DETECTOR: 'rekognition',
  ANALYZER_MAX_RECEIVE_COUNT: String(QUEUE_DEFINITION.maxReceiveCount),
});

const ctx: Context = lambdaContext();
const authorizer = createAuthorizer(await envOf('authorizer'));
const receiver = createReceiverHandler(await envOf('receiver'));
const analyzer = createAnalyzer(await envOf('analyzer'));
const images = createImagesHandler(await envOf('images'));
const obtain = createObtainHandler(await envOf('obtain'));
const scan = createScanHandler(await envOf('scan'));

// Worst case for the authorizer: every API request misses its cache (AuthorizerCacheTtl 300 s per token).
const authorize = (token: string) =>
  timed('authorizer', () => authorizer({ type: 'TOKEN', authorizationToken: `Bearer ${token}`, methodArn: 'arn:aws:execute-api:us-east-1:1:api/v1/GET/scan' }));
const life = async (i: number, user: string, token: string) => {
  for (let a = 0; a < API_CALLS_PER_IMAGE; a++) await authorize(token);
  const photo = solidPng([i % 256, (i >> 8) % 256, 77]);
  const hash = sha256(photo);
  const body = JSON.stringify({ image_hash: hash, content_type: 'image/png', post_id: i + 1, user_id: user, picture_id: i + 1, post: { trip_id: 1, location_id: 2, content: 'cost' } });
  const reg = await timed('receiver', () => receiver(apiEvent({ method: 'POST', resource: '/receiver', body, userId: user }), ctx));
  const { file_name: fileName, upload_url, upload_headers } = JSON.parse(reg.body) as { file_name: string; upload_url: string; upload_headers: Record<string, string> };
  // The client's PUT goes to S3 through the receiver's endpoint here: it is a USAGE line, not the receiver's.
  counting = false;
  const put = await fetch(upload_url, { method: 'PUT', headers: upload_headers, body: new Uint8Array(photo) });
  counting = true;
  if (put.status !== 200) throw new Error('upload refused');
  const batch = await timed('analyzer', () => analyzer(sqsEvent(sqsRecord(s3Notification(s3Record({ bucket: BUCKET, key: fileName, size: photo.length })))), ctx));
  if (batch.batchItemFailures.length) throw new Error('analysis failed');
  for (let p = 0; p < POLLS; p++) await timed('images', () => images(apiEvent({ method: 'GET', resource: '/images/{file_name}', pathParameters: { file_name: fileName }, userId: user }), ctx));
  const got = await timed('obtain', () => obtain(apiEvent({ method: 'GET', resource: '/obtain/{file_name}', pathParameters: { file_name: fileName }, userId: user }), ctx));
  if (got.statusCode !== 302) throw new Error(`obtain ${got.statusCode}`);
  const found = await timed('scan', () => scan(apiEvent({ method: 'GET', resource: '/scan', query: [['post_id', String(i + 1)]], userId: user }), ctx));
  if (found.statusCode !== 200) throw new Error(`scan ${found.statusCode}: ${found.body}`);
};

// Warm-up (cold starts are a few per instance, not per image): 5 images, then reset the counts.
const token = await mintToken('cost-user');
for (let i = 0; i < 5; i++) await life(100_000 + i, 'cost-user', token);
for (const m of counted.values()) m.clear();
for (const d of durations.values()) d.length = 0;
for (let i = 0; i < N; i++) await life(i, 'cost-user', token);

const template = await readFile(TEMPLATE_PATH, 'utf8');
const memory = new Map(FUNCTIONS.map((f) => [f.name, f.memoryMb]));
const per1000 = (n: number) => (n / N) * 1000;
const rows: { item: string; count: number; cost: number }[] = [];
for (const f of FUNCTIONS) {
  const c = counted.get(f.name)!;
  const invocations = c.get('lambda:invocation') ?? 0;
  if (!invocations) continue;
  const d = durations.get(f.name)!;
  // Lambda bills each invocation's duration rounded up to the ms.
  const billedMs = d.reduce((a, x) => a + Math.ceil(x), 0);
  const gbSeconds = (billedMs / 1000) * (memory.get(f.name)! / 1024);
  rows.push({
    item: `Lambda ${f.name}: ${per1000(invocations) / 1000} invocation(s) per image, ${memory.get(f.name)} MB, median ${quantile(d, 0.5).toFixed(1)} ms`,
    count: per1000(invocations),
    cost: per1000(gbSeconds) * PRICE.lambdaGbSecondArm + per1000(invocations) * PRICE.lambdaRequest,
  });
  for (const [unit, n] of c) {
    if (unit === 'lambda:invocation') continue;
    const price = { 'dynamodb:write': PRICE.dynamoWriteUnit, 'dynamodb:read': PRICE.dynamoReadUnit, 's3:put': PRICE.s3PutClass, 's3:get': PRICE.s3GetClass, 's3:delete': 0, 'rekognition:image': 0 }[unit];
    if (price === undefined) throw new Error(`no price for ${unit}`);
    if (unit === 'rekognition:image') continue; // the comparison, shown below
    rows.push({ item: `${f.name}: ${unit.replace('dynamodb:write', 'DynamoDB write units').replace('dynamodb:read', 'DynamoDB read units').replace('s3:put', 'S3 PUT-class requests').replace('s3:get', 'S3 GET-class requests').replace('s3:delete', 'S3 DELETE requests')}`, count: per1000(n), cost: per1000(n) * price });
  }
}
for (const u of USAGE) rows.push({ item: u.item, count: u.perImage * 1000, cost: u.perImage * 1000 * u.price });
const total = rows.reduce((a, r) => a + r.cost, 0);
const detections = per1000(counted.get('analyzer')!.get('rekognition:image') ?? 0);
const rekognitionCost = detections * PRICE.rekognitionImage;
const usd = (x: number) => (x >= 0.01 ? `$${x.toFixed(4)}` : `$${x.toFixed(6)}`);

const m = machineFacts();
const md = `## AWS cost per 1,000 distinct images

Command: \`${process.env.BENCH_COMMAND ?? 'npm run bench -- --only cost --write'}\` (this part: \`tsx bench/aws-cost.bench.ts --images ${N}${values.write ? ' --write' : ''}\`).
Machine: ${m.cpu}, \`nproc\` = ${m.nproc}, Node ${m.node}; 1-minute load average ${m.load1.toFixed(2)} at the start.
Each image's life: registered (\`POST /receiver\`), uploaded, analysed, its status read ${POLLS} times (\`GET /images\`),
obtained once, found by one search (\`GET /scan?post_id\`). ${N} distinct images after 5 of warm-up, through the real
handlers against local DynamoDB and S3 and a stand-in Rekognition, every AWS request counted by proxies and every
invocation timed; Lambda is billed per ms at the template's memory (${FUNCTIONS.map((f) => `${f.name} ${f.memoryMb} MB`).join(', ')}),
arm64. Prices: us-east-1 list prices, on-demand, no free tier (\`PRICE\` in bench/aws-cost.bench.ts). Durations here are
local (DynamoDB and S3 on loopback): on AWS each call takes ~5–20 ms more, so the Lambda lines would be ~2–5× higher —
still a small share. DynamoDB units: 1 per item written; 1 per item read by GetItem/BatchGetItem (pessimistic: strongly
consistent), and 1 per 4 items a Query reads. Not per image: storage (S3 $0.023 per GB-month for originals;
DynamoDB $0.25 per GB-month, ~2 KB per image), the secret ($0.40 a month), the alarms ($0.10 each a month), the
event source's empty polls while the queue is idle, and data transfer out (S3 GETs: $0.09 per GB).

| item | count per 1,000 images | cost per 1,000 images |
|---|---|---|
${rows.map((r) => `| ${r.item} | ${r.count.toLocaleString('en-US', { maximumFractionDigits: 1 })} | ${usd(r.cost)} |`).join('\n')}
| **AWS, all of the above** | | **${usd(total)}** |
| Rekognition DetectLabels (${detections.toLocaleString('en-US')} calls: once per distinct image) | | ${usd(rekognitionCost)} |

AWS cost besides Rekognition: **${usd(total)} per 1,000 distinct images = ${((total / 1.0) * 100).toFixed(2)} % of Rekognition's $1.00**
(goal ≤ 3 %). Largest items: ${[...rows].sort((a, b) => b.cost - a.cost).slice(0, 3).map((r) => `${r.item.split(' (')[0]} ${usd(r.cost)}`).join('; ')}.
Each further API request per image adds ~$0.0036 (0.36 %), mostly API Gateway's $3.50 per million: the status polls
are the item to cut (webhooks instead of polling), and an HTTP API ($1.00 per million) would cost less than the REST API. Template: ${Buffer.byteLength(template).toLocaleString('en-US')} bytes. Later work adds its requests as lines of \`USAGE\`
(or they are counted by this run when its handlers make them). Timings are for this machine only; tests never assert them.
`;

for (const s of servers) {
  s.closeAllConnections();
  await new Promise((r) => s.close(r));
}
await db.close();
await store.close();
await rm(dataDir, { recursive: true, force: true });
if (values.write) {
  const path = new URL('../docs/benchmarks.md', import.meta.url);
  await writeFile(path, replaceSection(await readFile(path, 'utf8').catch(() => ''), '## AWS cost per 1,000', md));
} else console.log(md);
