/**
 * npm run bench [-- --runs N] [-- --write]: the local label detector's model load
 * time, per-image latency (median, p95) and peak RSS, on the fixture photos.
 * `--write` also writes the figures to docs/benchmarks.md.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { S3Client } from '@aws-sdk/client-s3';
import { COCO_CLASSES, LocalLabelDetector, type Analysis } from '../src/adapters/local-label-detector/index.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '25' }, write: { type: 'boolean', default: false } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 20) throw new Error('--runs must be an integer ≥ 20');

const PHOTOS = ['astronaut', 'camera', 'coffee', 'chelsea'];
const photos = await Promise.all(PHOTOS.map(async (name) => ({ name, bytes: await readFile(new URL(`../test/fixtures/photos/${name}.jpg`, import.meta.url)) })));

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};
const ms = (x: number) => `${x.toFixed(0)} ms`;
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

const rssBeforeKb = process.resourceUsage().maxRSS;
const loadBefore = loadavg()[0]!;

// Model load: from starting the worker to a warmed-up model (the bench reads bytes from memory, not through S3).
const t0 = performance.now();
const detector = LocalLabelDetector.start(undefined as unknown as S3Client);
const warm = await detector.ready();
const readyMs = performance.now() - t0;

// The main thread's event-loop delay with no work at all: the machine's own noise, for comparison.
const idle = monitorEventLoopDelay({ resolution: 10 });
idle.enable();
await new Promise((r) => setTimeout(r, 3000));
idle.disable();

// Sequential: one image at a time, end to end (decode + resize on the main thread's libvips pool, inference in the worker).
const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();
const sequential: { name: string; totalMs: number; a: Analysis }[] = [];
for (let r = 0; r < runs; r++) {
  for (const p of photos) {
    const t = performance.now();
    const a = await detector.analyseImage(p.bytes, 50);
    sequential.push({ name: p.name, totalMs: performance.now() - t, a });
  }
}
lag.disable();

// A burst of 16 at once (the default bound): they queue and run one at a time.
const burstStart = performance.now();
await Promise.all(Array.from({ length: 16 }, (_, i) => detector.analyseImage(photos[i % photos.length]!.bytes, 50)));
const burstMs = performance.now() - burstStart;
await detector.close();

const totals = sequential.map((s) => s.totalMs);
const inference = sequential.map((s) => s.a.timings.inferenceMs);
const decode = sequential.map((s) => s.a.timings.decodeMs);
const peakRssKb = process.resourceUsage().maxRSS;
const labelsOf = (name: string) =>
  sequential
    .find((s) => s.name === name)!
    .a.labels.filter((l) => (COCO_CLASSES as readonly string[]).includes(l.name))
    .slice(0, 3)
    .map((l) => `${l.name} ${l.confidence.toFixed(1)}`)
    .join(', ') || '—';

const facts = {
  node: process.version,
  nproc: availableParallelism(),
  cpu: cpus()[0]?.model ?? 'unknown',
  memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
  platform: `${process.platform} ${process.arch}`,
};

const md = `# Benchmarks

## Local label detector (\`LABEL_DETECTOR=local\`)

Command: \`npm run bench -- --runs ${runs}${values.write ? ' --write' : ''}\` (\`tsx bench/local-detector.bench.ts\`).
Machine: ${facts.cpu}, \`nproc\` = ${facts.nproc}, ${facts.memory} RAM, ${facts.platform}, Node ${facts.node};
1-minute load average ${loadBefore.toFixed(2)} at the start, ${loadavg()[0]!.toFixed(2)} at the end (other work on the machine shows in p95).
Model: CenterNet MobileNetV3 (COCO) from \`@vladmandic/human\`, TensorFlow.js 4.22 wasm backend
(SIMD ${warm.simd ? 'on' : 'off'}, one thread), in one worker thread; decode + resize to 512×512 with sharp.
Photos: the four in \`test/fixtures/photos/\` (20–42 KB JPEGs, ≤ 600×400 or 512×512), read from memory.

| figure | value |
|---|---|
| model ready (worker start → backend → model → first inference) | ${ms(readyMs)} |
| … of which starting the thread and importing TensorFlow.js (tsx compiles on the fly) | ${ms(warm.startupMs)} |
| … of which the wasm backend, reading the model and building the graph | ${ms(warm.loadMs)} |
| … of which the first (warm-up) inference | ${ms(warm.firstInferenceMs)} |
| per image, end to end: median / p95 (${totals.length} images, one at a time) | ${ms(quantile(totals, 0.5))} / ${ms(quantile(totals, 0.95))} |
| … inference in the worker: median / p95 | ${ms(quantile(inference, 0.5))} / ${ms(quantile(inference, 0.95))} |
| … decode + resize (sharp): median / p95 | ${ms(quantile(decode, 0.5))} / ${ms(quantile(decode, 0.95))} |
| 16 images submitted at once (queued, one inference at a time) | ${ms(burstMs)} total, ${ms(burstMs / 16)} per image |
| main-thread event-loop delay during inference: p99 / max | ${ms(lag.percentile(99) / 1e6)} / ${ms(lag.max / 1e6)} |
| … the same, idle for 3 s (no work: the machine's noise; 10 ms sampling) | ${ms(idle.percentile(99) / 1e6)} / ${ms(idle.max / 1e6)} |
| peak RSS of the process (main + worker threads) | ${mb(peakRssKb)} (before the detector: ${mb(rssBeforeKb)}) |

Labels at MinConfidence 50 (top 3 COCO classes, without the parent labels): ${PHOTOS.map((n) => `${n}: ${labelsOf(n)}`).join('; ')}.

Timings are for this machine only; tests never assert them.
`;

console.log(md);
if (values.write) {
  await writeFile(new URL('../docs/benchmarks.md', import.meta.url), md);
  console.log('written to docs/benchmarks.md');
}
