/**
 * npm run bench -- --only variants [--write]: the image processor of the analyzer
 * (jpeg-js + pngjs + pica, as inlined in the template) on one core: per-variant time
 * and peak RSS for a 12 MP and a 48 MP JPEG and a large PNG with alpha; bytes of a
 * gallery page of 24 thumbs; bytes the processor adds to the analyzer's inline code.
 * Each case runs in a fresh process pinned to one CPU (`taskset -c 0` when present), so
 * its peak RSS is its own. Images are generated at run time with sharp (dev only).
 */
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { bundleCode, bundleEntry } from '../scripts/build.js';
import { JsImageProcessor, type Phase } from '../src/adapters/image-variants/index.js';
import { halfTransparentPng, noiseJpeg } from '../test/helpers/variant-images.js';
import { machineFacts, ms, replaceSection } from './lib.js';

const { values } = parseArgs({ options: { case: { type: 'string' }, write: { type: 'boolean', default: false } } });

interface Case {
  id: string;
  label: string;
  make: () => Promise<Buffer>;
}
const CASES: Case[] = [
  { id: '12mp', label: '12 MP JPEG (4000×3000)', make: () => noiseJpeg(4000, 3000, 92) },
  { id: '48mp', label: '48 MP JPEG (8000×6000)', make: () => noiseJpeg(8000, 6000, 92) },
  { id: 'png', label: '16 MP PNG with alpha (4608×3456)', make: () => halfTransparentPng(4608, 3456) },
];

interface Result {
  id: string;
  inputBytes: number;
  phases: Record<Phase, number>;
  totalMs: number;
  maxRssMb: number;
  baselineRssMb: number;
  variants: { name: string; width: number; height: number; bytes: number }[];
}

/** Child: one case, one process. Generates the image, then measures only the processor. */
const runCase = async (c: Case): Promise<Result> => {
  const original = await c.make();
  if (global.gc) global.gc();
  const baselineRssMb = process.memoryUsage().rss / 2 ** 20;
  const phases = {} as Record<Phase, number>;
  const t0 = performance.now();
  const variants = await new JsImageProcessor().makeVariants(original, (p, t) => (phases[p] = t));
  return {
    id: c.id,
    inputBytes: original.length,
    phases,
    totalMs: performance.now() - t0,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    baselineRssMb,
    variants: variants.map((v) => ({ name: v.name, width: v.width, height: v.height, bytes: v.body.length })),
  };
};

if (values.case) {
  // Generating the image with sharp also raises RSS: measure the processor in a process of its own
  // where the original is read back from a file written by the parent.
  const c = CASES.find((x) => x.id === values.case)!;
  const original = await readFile(process.env.BENCH_IMAGE!);
  const result = await runCase({ ...c, make: async () => original });
  console.log(JSON.stringify(result));
  process.exit(0);
}

const mb = (x: number) => `${x.toFixed(0)} MB`;
const kb = (x: number) => `${(x / 1024).toFixed(0)} KB`;
const pinned = existsSync('/usr/bin/taskset');
const results: (Result & { label: string })[] = [];
for (const c of CASES) {
  const file = `/tmp/travellog-variants-bench-${process.pid}-${c.id}`;
  await writeFile(file, await c.make());
  const argv = [process.execPath, '--expose-gc', '--import', 'tsx', new URL(import.meta.url).pathname, '--case', c.id];
  const run = spawnSync(pinned ? 'taskset' : argv[0]!, pinned ? ['-c', '0', ...argv] : argv.slice(1), {
    env: { ...process.env, BENCH_IMAGE: file },
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  await import('node:fs/promises').then((f) => f.rm(file, { force: true }));
  if (run.status !== 0) throw new Error(`case ${c.id} failed: ${run.stderr}`);
  const r = JSON.parse(run.stdout.trim().split('\n').pop()!) as Result;
  results.push({ ...r, label: c.label });
  console.log(c.label, JSON.stringify(r));
}

// A gallery page: 24 thumbs of real photos (the repository's four scikit-image photos);
// the noise originals shrink to near-flat grey thumbs, so they would flatter the figure.
const processor = new JsImageProcessor();
const photos = ['astronaut', 'camera', 'coffee', 'chelsea'];
const realThumbs: number[] = [];
for (const p of photos) {
  const bytes = await readFile(new URL(`../test/fixtures/photos/${p}.jpg`, import.meta.url));
  // Upscaled to 12 MP first, so the thumb is made from a camera-sized original as in production.
  const big = await sharp(bytes).resize(4000, 3000, { fit: 'fill' }).jpeg({ quality: 92 }).toBuffer();
  realThumbs.push((await processor.makeVariants(big)).find((v) => v.name === 'thumb')!.body.length);
}
const realMean = realThumbs.reduce((a, b) => a + b, 0) / realThumbs.length;
const originals12 = results.find((r) => r.id === '12mp')!.inputBytes;

const analyzerBytes = Buffer.byteLength(await bundleCode('analyzer'));
const processorBytes = Buffer.byteLength(await bundleEntry('src/adapters/image-variants/index.ts'));
const templateBytes = (await readFile(new URL('../serverless/infrastructure.yaml', import.meta.url))).length;

const f = machineFacts();
const rows = results.flatMap((r) => [
  `| ${r.label}, ${kb(r.inputBytes)} | decode | ${ms(r.phases.decode)} | |`,
  `| | preview (${r.variants.find((v) => v.name === 'preview')!.width}×${r.variants.find((v) => v.name === 'preview')!.height}): resize + encode | ${ms(r.phases.preview_resize)} + ${ms(r.phases.preview_encode)} | ${kb(r.variants.find((v) => v.name === 'preview')!.bytes)} |`,
  `| | thumb (${r.variants.find((v) => v.name === 'thumb')!.width}×${r.variants.find((v) => v.name === 'thumb')!.height}) from the preview | ${ms(r.phases.thumb)} | ${kb(r.variants.find((v) => v.name === 'thumb')!.bytes)} |`,
  `| | **total**, peak RSS | **${ms(r.totalMs)}**, **${mb(r.maxRssMb)}** (process before: ${mb(r.baselineRssMb)}) | |`,
]);
const section = `## Image variants (analyzer's image processor)

Command: \`${process.env.BENCH_COMMAND ?? 'tsx bench/variants.bench.ts'}\` (this part: \`tsx bench/variants.bench.ts${values.write ? ' --write' : ''}\`).
Machine: ${f.cpu}, \`nproc\` = ${f.nproc}, ${f.memory} RAM, ${f.platform}, Node ${f.node}; load average ${f.load1.toFixed(2)} at the start.
Each image runs in a fresh process ${pinned ? 'pinned to one core (`taskset -c 0`)' : '(not pinned: no taskset)'}, through
\`JsImageProcessor.makeVariants\` — jpeg-js decode, pica resize (JS + its WebAssembly kernel), orientation, jpeg-js encode
— exactly the code inlined in the analyzer. Originals are generated (blurred gaussian noise: it compresses like a
camera file, and is the slow case for the entropy decoder); peak RSS is the process's \`maxRSS\`, so it includes Node
itself (the "before" figure). Why these codecs: [variants.md](variants.md).

| original | step | time (one core) | output |
|---|---|---|---|
${rows.join('\n')}

**Gallery page of 24 images using thumbs:** ${kb(realMean * 24)} (24 × the mean thumb of the repository's four real
photos, each first scaled to 12 MP: ${realThumbs.map(kb).join(', ')}) — against ${(originals12 * 24 / 2 ** 20).toFixed(0)} MB
for 24 of the 12 MP originals above. Goal ≤ 1 MB: ${realMean * 24 <= 2 ** 20 ? 'met' : '**not met**'}.

**Code size:** the image processor alone bundles to ${kb(processorBytes)} of minified CommonJS (pica's WebAssembly
kernel included as base64); the analyzer's inline code is now ${kb(analyzerBytes)}; the whole template is
${kb(templateBytes)} (${templateBytes.toLocaleString('en')} bytes; the hard limit for a template staged in S3 is 1,000,000 bytes).
`;
console.log(section);
if (values.write) {
  const docs = new URL('../docs/benchmarks.md', import.meta.url);
  await writeFile(docs, replaceSection(await readFile(docs, 'utf8'), '## Image variants', section));
}
