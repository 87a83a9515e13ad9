/**
 * npm run bench -- --only stack [-- --uploads N] [-- --write]: the local stack under load (issue 12).
 *
 * 1. N uploads (default 2,000) at concurrency 64 through the API and the local S3 (fixture detector):
 *    lost (PUT 200 but never a final status), 5xx answers, PUT 200 → final status p50 / p95;
 * 2. GET /health latency idle vs during a burst of 20 large photos (6000×4000 JPEGs) analysed by the
 *    embedded model (LABEL_DETECTOR=local), and the process's peak RSS;
 * 3. SHA-256 throughput: the console's hasher in Chromium (Web Crypto, and hash-wasm streaming) vs Node's native
 *    hash (bench/browser-hash.bench.ts; `--only hash` re-measures these rows alone).
 *
 * `--write` replaces this bench's section of docs/benchmarks.md and keeps the others.
 */
import './quiet.js';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pLimit from 'p-limit';
import sharp from 'sharp';
import { startStack, type Stack } from '../src/local/stack.js';
import { solidPng } from '../test/helpers/images.js';
import { Api, registerBody } from '../test/helpers/stack-harness.js';
import { hashRows, measureBrowserHash } from './browser-hash.bench.js';
import { machineFacts, medianP95, ms, quantile, replaceSection, sleep } from './lib.js';

const { values } = parseArgs({ options: { uploads: { type: 'string', default: '2000' }, write: { type: 'boolean', default: false } } });
const UPLOADS = Number(values.uploads);
const CONCURRENCY = 64;
const BURST = 20;
const TERMINAL = new Set(['approved', 'under_review', 'rejected', 'failed']);
const facts = machineFacts();
const t0 = performance.now();
const log = (s: string) => console.log(`[stack bench ${((performance.now() - t0) / 1000).toFixed(1)} s] ${s}`);
const dataDir = () => mkdtemp(join(tmpdir(), 'travellog-stack-bench-'));

interface Upload {
  file: string;
  putAt: number;
}

/** Register + PUT with exactly the returned headers; counts 5xx of either. */
const uploadAll = async (api: Api, images: Buffer[], contentType: string, concurrency: number) => {
  const limit = pLimit(concurrency);
  let fiveXx = 0;
  let refused = 0;
  const done: Upload[] = [];
  await Promise.all(
    images.map((image, i) =>
      limit(async () => {
        const reg = await api.call<{ file_name: string; upload_url: string; upload_headers: Record<string, string> }>('POST', '/receiver', {
          body: registerBody(image, { user_id: 456, post_id: 1 + (i % 50), picture_id: i + 1 }, contentType),
        });
        if (reg.status >= 500) fiveXx++;
        if (reg.status >= 300) return void refused++;
        const put = await fetch(reg.body.upload_url, { method: 'PUT', headers: reg.body.upload_headers, body: new Uint8Array(image) });
        await put.arrayBuffer();
        if (put.status >= 500) fiveXx++;
        if (put.status !== 200) return void refused++;
        done.push({ file: reg.body.file_name, putAt: Date.now() });
      }),
    ),
  );
  return { done, fiveXx, refused };
};

/** Polls every acknowledged upload until final (or the deadline): PUT → final-status times, and what never got there. */
const waitFinal = async (api: Api, uploads: Upload[], deadlineMs: number) => {
  const pending = new Map(uploads.map((u) => [u.file, u]));
  const latencies: number[] = [];
  const deadline = Date.now() + deadlineMs;
  while (pending.size && Date.now() < deadline) {
    const limit = pLimit(16);
    await Promise.all(
      [...pending.values()].map((u) =>
        limit(async () => {
          const r = await api.call<{ status: string; updated_at: string }>('GET', `/images/${u.file}`);
          if (r.status === 200 && TERMINAL.has(r.body.status)) {
            latencies.push(Date.parse(r.body.updated_at) - u.putAt);
            pending.delete(u.file);
          }
        }),
      ),
    );
    if (pending.size) await sleep(500);
  }
  return { latencies, lost: pending.size };
};

// ---------------------------------------------------------------------------------------------
// 1. Sustained uploads.

const fixture = join(await dataDir(), 'labels.json');
await writeFile(fixture, '{}');
let stack: Stack = await startStack({ port: 0, dataDir: await dataDir(), labelDetector: `fixture:${fixture}`, ttlSweepIntervalMs: 3_600_000 });
let api = await Api.as(stack.url, '456');
log(`uploading ${UPLOADS} images at concurrency ${CONCURRENCY}`);
const images = Array.from({ length: UPLOADS }, (_, i) => solidPng([i % 256, Math.floor(i / 256) % 256, 77]));
const tUp = performance.now();
const sustained = await uploadAll(api, images, 'image/png', CONCURRENCY);
const uploadSeconds = (performance.now() - tUp) / 1000;
log(`${sustained.done.length} acknowledged in ${uploadSeconds.toFixed(1)} s; waiting for final statuses`);
const final = await waitFinal(api, sustained.done, 300_000);
await stack.stop();
log(`lost ${final.lost}, 5xx ${sustained.fiveXx}`);

// ---------------------------------------------------------------------------------------------
// 2. /health during a burst of large photos on the embedded model.

const astronaut = await readFile(new URL('../test/fixtures/photos/astronaut.jpg', import.meta.url));
log(`making ${BURST} large photos (6000×4000)`);
const large = await Promise.all(
  Array.from({ length: BURST }, (_, i) =>
    sharp(astronaut)
      .resize(6000, 4000, { fit: 'fill' })
      .composite([{ input: { create: { width: 8, height: 8, channels: 3, background: { r: i * 12, g: 0, b: 0 } } }, left: 0, top: 0 }]) // each one distinct
      .jpeg({ quality: 85 })
      .toBuffer(),
  ),
);
stack = await startStack({ port: 0, dataDir: await dataDir(), ttlSweepIntervalMs: 3_600_000 });
api = await Api.as(stack.url, '456');
const anonymous = new Api(stack.url, undefined);
while ((await anonymous.call<{ label_detector?: string }>('GET', '/health')).body.label_detector !== 'ready') await sleep(200);
const healthLatencies = async (until: () => boolean, minSamples: number) => {
  const xs: number[] = [];
  while (xs.length < minSamples || !until()) {
    const t = performance.now();
    const r = await anonymous.call('GET', '/health');
    if (r.status !== 200) throw new Error(`/health answered ${r.status}`);
    xs.push(performance.now() - t);
    await sleep(20);
  }
  return xs;
};
const idleStart = Date.now();
const idle = await healthLatencies(() => Date.now() - idleStart > 5_000, 100);
log(`idle /health ${medianP95(idle)}; uploading ${BURST} large photos`);
let burstDone = false;
const burstStart = performance.now();
const burst = (async () => {
  const up = await uploadAll(api, large, 'image/jpeg', BURST);
  const f = await waitFinal(api, up.done, 600_000);
  burstDone = true;
  return { ...up, ...f };
})();
const during = await healthLatencies(() => burstDone, 100);
const burstResult = await burst;
const burstSeconds = (performance.now() - burstStart) / 1000;
const peakRssMb = process.resourceUsage().maxRSS / 1024;
await stack.stop();
log(`during the burst /health ${medianP95(during)}; burst ${burstSeconds.toFixed(1)} s, lost ${burstResult.lost}`);

// ---------------------------------------------------------------------------------------------
// 3. Hashing throughput: the console's hasher in Chromium (both paths) vs node:crypto (see browser-hash.bench.ts).

const hash = await measureBrowserHash();
log(`hash: Chromium Web Crypto ${hash.webCrypto.toFixed(0)} MiB/s, hash-wasm ${hash.wasm.toFixed(0)} MiB/s (end to end), Node native ${hash.native.toFixed(0)} MiB/s`);

// ---------------------------------------------------------------------------------------------

const command = process.env.BENCH_COMMAND ?? 'npm run bench -- --only stack --write';
const section = `## Local stack under load (issue 12)

Command: \`${command}\` (this part: \`tsx bench/local-stack.bench.ts --uploads ${UPLOADS}\`). Runtime ${((performance.now() - t0) / 1000).toFixed(0)} s.
Machine: ${facts.cpu}, \`nproc\` = ${facts.nproc}, ${facts.memory} RAM, ${facts.platform}, Node ${facts.node};
1-minute load average ${facts.load1.toFixed(2)} at the start, ${loadavg()[0]!.toFixed(2)} at the end (the machine is shared: other work shows in every figure).
Client and stack in one process, as in the API bench.

| figure | value | goal |
|---|---|---|
| ${UPLOADS} uploads at concurrency ${CONCURRENCY} (fixture detector): acknowledged (PUT 200) | ${sustained.done.length} in ${uploadSeconds.toFixed(1)} s (${sustained.refused} refused) | all |
| … lost (PUT 200, no final status within 5 min) | ${final.lost} | 0 |
| … 5xx answers (API or S3) | ${sustained.fiveXx} | 0 |
| … PUT 200 → final status: p50 / p95 | ${(quantile(final.latencies, 0.5) / 1000).toFixed(1)} s / ${(quantile(final.latencies, 0.95) / 1000).toFixed(1)} s | |
| GET /health idle: p50 / p95 (${idle.length} requests) | ${medianP95(idle)} | |
| GET /health during ${BURST} large photos (6000×4000 JPEG, ${(large[0]!.length / 2 ** 20).toFixed(1)} MB each) on the embedded model: p50 / p95 (${during.length} requests) | ${medianP95(during)} | p95 ≤ 2 × idle (${ms(2 * quantile(idle, 0.95))}) |
| … the burst: all ${BURST} final after | ${burstSeconds.toFixed(1)} s (lost ${burstResult.lost}, 5xx ${burstResult.fiveXx}) | |
| peak RSS of the process (stack + model worker + client) | ${peakRssMb.toFixed(0)} MB | |
${hashRows(hash, command).join('\n')}

Before this work (from issue 12's report, same machine kind): /health p95 56–212 ms during the same burst (decoding
on the main thread), one S3 500 per 2,000–4,500 PUTs, PUT → final p50 82 s with one poller, the console's pure
TypeScript SHA-256 at ~46 MiB/s (13.9× slower than native).
Timings are for this machine only; tests never assert them.
`;
console.log(`\n${section}`);
if (values.write) {
  const docs = new URL('../docs/benchmarks.md', import.meta.url);
  await writeFile(docs, replaceSection(await readFile(docs, 'utf8').catch(() => ''), '## Local stack under load', section));
}
process.exit(0);
