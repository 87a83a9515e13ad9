/**
 * npm run bench -- --only webhooks [--write]: completion events (SPEC §3.8).
 *
 * 1. Latency from terminal status to webhook received, on the local stack (fixture detector,
 *    WEBHOOK_URL → a receiver on loopback): for each webhook, arrival time − the event's
 *    `timestamp` (when the analyzer stored the verdict). 60 images: 20 one by one, then 40 at once.
 * 2. Events per second the local outbox delivers (2,000 events published at once, receiver 204).
 * 3. Events per second one notifier instance (the AWS handler) delivers: batches of 10 SQS records,
 *    one after another, to the same receiver; and the cost of signing one message.
 *
 * `--write` replaces this bench's section of docs/benchmarks.md and keeps the others.
 */
import './quiet.js';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { WebhookSender } from '../src/adapters/webhook-sender.js';
import { deletedEvent, type OutgoingEvent } from '../src/core/image-events.js';
import { createNotifier } from '../src/handlers/notifier.js';
import { startLocalOutbox } from '../src/local/webhooks/index.js';
import { sha256, solidPng } from '../test/helpers/images.js';
import { newWebhookSecret, startWebhookReceiver } from '../test/helpers/webhook-receiver.js';
import { lambdaContext, sqsEvent, sqsRecord } from '../test/helpers/lambda-events.js';
import { Api, bootStack } from '../test/helpers/stack-harness.js';
import { machineFacts, medianP95, ms, replaceSection } from './lib.js';

const { values } = parseArgs({ options: { write: { type: 'boolean', default: false } } });
const facts = machineFacts();
const log = (s: string) => console.log(`[webhooks bench] ${s}`);
const secret = newWebhookSecret();
const events = (n: number, tag: string): OutgoingEvent[] =>
  Array.from({ length: n }, (_, i) => deletedEvent({ file_name: `${i}-${sha256(Buffer.from(tag + i))}.jpg`, user_id: String(i), created_at: tag }, [], new Date().toISOString()));

// 1. Latency on the local stack.
const SEQUENTIAL = 20;
const BURST = 40;
const images = Array.from({ length: SEQUENTIAL + BURST }, (_, i) => solidPng([i, 33, 201]));
const latencyReceiver = await startWebhookReceiver(() => 204);
const booted = await bootStack({
  fixture: Object.fromEntries(images.map((img) => [sha256(img), [{ name: 'Beach', confidence: 91, parents: [] }]])),
  webhooks: { WEBHOOK_URL: latencyReceiver.url, WEBHOOK_SECRET: secret },
});
const api = await Api.as(booted.stack.url, 'bench-hooks');
const latencies = () => latencyReceiver.received.map((r) => r.at - Date.parse((JSON.parse(r.body) as { timestamp: string }).timestamp));
for (let i = 0; i < SEQUENTIAL; i++) {
  await api.upload(images[i]!, { user_id: 'bench-hooks', post_id: 1, picture_id: i + 1 });
  await latencyReceiver.waitFor(i + 1);
}
const sequential = latencies();
await Promise.all(images.slice(SEQUENTIAL).map((img, i) => api.upload(img, { user_id: 'bench-hooks', post_id: 2, picture_id: i + 1 })));
await latencyReceiver.waitFor(SEQUENTIAL + BURST);
const burst = latencies().slice(SEQUENTIAL);
await booted.stack.stop();
await rm(booted.dataDir, { recursive: true, force: true });
await latencyReceiver.close();
log(`latency sequential ${medianP95(sequential)}, burst ${medianP95(burst)}`);

// 2. Local outbox throughput.
const OUTBOX_N = 2000;
const receiver = await startWebhookReceiver(() => 204);
const dir = await mkdtemp(join(tmpdir(), 'bench-outbox-'));
const sender = new WebhookSender({ url: receiver.url, secret });
const outbox = await startLocalOutbox({ dir, send: (m, s) => sender.send(m, s), retrySeconds: [1] });
const batch = events(OUTBOX_N, 'outbox');
let t = performance.now();
await outbox.publish(batch);
const publishMs = performance.now() - t;
await outbox.idle();
const outboxMs = performance.now() - t;
await outbox.close();
await rm(dir, { recursive: true, force: true });
log(`outbox: ${OUTBOX_N} in ${ms(outboxMs)} (publish ${ms(publishMs)})`);

// 3. One notifier instance (the Lambda handler), batches of 10.
const NOTIFIER_BATCHES = 200;
const notifier = createNotifier(
  { WEBHOOK_URL: receiver.url, WEBHOOK_SECRET_ARN: 'arn:bench', WEBHOOK_QUEUE_URL: 'http://unused' },
  { readSecret: async () => secret },
);
const ctx = lambdaContext('notifier');
const records = events(NOTIFIER_BATCHES * 10, 'notifier').map((e) => sqsRecord({ id: e.id, body: JSON.stringify(e.event) }));
await notifier(sqsEvent(...records.slice(0, 10)), ctx); // warm: secret read, connection open
const before = receiver.received.length;
t = performance.now();
for (let b = 0; b < NOTIFIER_BATCHES; b++) {
  const out = await notifier(sqsEvent(...records.slice(b * 10, b * 10 + 10)), ctx);
  if (out.batchItemFailures.length) throw new Error('a delivery failed');
}
const notifierMs = performance.now() - t;
if (receiver.received.length - before !== NOTIFIER_BATCHES * 10) throw new Error('not every webhook arrived');
await receiver.close();
const SIGN_N = 5000;
const body = JSON.stringify(batch[0]!.event);
t = performance.now();
for (let i = 0; i < SIGN_N; i++) sender.headers({ id: `msg_${i}`, body });
const signUs = ((performance.now() - t) / SIGN_N) * 1000;
log(`notifier: ${NOTIFIER_BATCHES * 10} in ${ms(notifierMs)}; signing ${signUs.toFixed(1)} µs`);

const perSecond = (n: number, msTaken: number) => Math.round((n / msTaken) * 1000).toLocaleString('en-US');
const md = `## Completion events and webhooks (local stack)

Command: \`${process.env.BENCH_COMMAND ?? 'tsx bench/webhooks.bench.ts'}\` (this part: \`tsx bench/webhooks.bench.ts${values.write ? ' --write' : ''}\`).
Machine: ${facts.cpu}, \`nproc\` = ${facts.nproc}, Node ${facts.node}; 1-minute load average ${facts.load1.toFixed(2)} at the start
(the machine is shared: figures vary with its load). Receiver: an HTTP server on loopback answering 204 at once.

| measure | result |
|---|---|
| terminal status → webhook received, images one by one (${SEQUENTIAL}), median / p95 | ${medianP95(sequential)} |
| terminal status → webhook received, ${BURST} images uploaded at once, median / p95 | ${medianP95(burst)} |
| local outbox: ${OUTBOX_N.toLocaleString('en-US')} events published at once (one journal write: ${ms(publishMs)}), all delivered in | ${ms(outboxMs)} = **${perSecond(OUTBOX_N, outboxMs)} events/s** (8 in flight) |
| notifier function (AWS handler), one instance, ${NOTIFIER_BATCHES} batches of 10 one after another | ${ms(notifierMs)} = **${perSecond(NOTIFIER_BATCHES * 10, notifierMs)} events/s** per instance |
| signing one webhook (standardwebhooks, HMAC-SHA256 in JS) | ${signUs.toFixed(1)} µs |

Latency is measured from the event's \`timestamp\` (when the analyzer stored the verdict) to the receiver's arrival
time, both on this machine's clock. On AWS the notifier's rate per instance is bounded by the receiver's answer time
(10 in parallel per batch) and \`WebhookConcurrency\` instances (default 2); the path adds an SQS hop (typically tens
of ms) and a cold start now and then. Timings are for this machine only; tests never assert them.
`;
if (values.write) {
  const path = new URL('../docs/benchmarks.md', import.meta.url);
  await writeFile(path, replaceSection(await readFile(path, 'utf8').catch(() => ''), '## Completion events and webhooks', md));
} else console.log(md);
