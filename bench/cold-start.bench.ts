/**
 * npm run bench -- --only cold-start [--runs N] [--write]: each bundle's require() time (the
 * module-load part of a cold start) next to the floor of requiring only the AWS SDK packages
 * that bundle requires, and an empty module; plus the template's size. Each sample is a fresh
 * `node` process (nothing cached in memory); the first runs warm the file cache and are dropped.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { functionId } from '../src/infra/cfn.js';
import { FUNCTIONS } from '../src/infra/functions.js';
import { TEMPLATE_PATH } from '../scripts/template.js';
import { machineFacts, quantile, replaceSection } from './lib.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '21' }, write: { type: 'boolean', default: false } } });
const RUNS = Number(values.runs);
const dir = join(process.cwd(), 'dist', 'bench-cold-start'); // inside the repo: require() finds node_modules as the runtime finds its SDK

/** Milliseconds to require `file` in a fresh node, measured inside that process. */
const requireMs = (file: string) => {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: dir, env: { ...process.env, AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
  if (r.status !== 0) throw new Error(`require ${file} failed: ${r.stderr}`);
  return Number(r.stdout);
};
const median = (file: string) => {
  for (let i = 0; i < 2; i++) requireMs(file);
  return quantile(Array.from({ length: RUNS }, () => requireMs(file)), 0.5);
};

const pairedMedians = (a: string, b: string): [number, number] => {
  for (let i = 0; i < 2; i++) {
    requireMs(a);
    requireMs(b);
  }
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    xs.push(requireMs(a));
    ys.push(requireMs(b));
  }
  return [quantile(xs, 0.5), quantile(ys, 0.5)];
};

const template = await readFile(TEMPLATE_PATH, 'utf8');
const resources = (parse(template) as { Resources: Record<string, { Properties: { Code: { ZipFile: string } } }> }).Resources;
await rm(dir, { recursive: true, force: true });
await mkdir(dir, { recursive: true });
await writeFile(join(dir, 'package.json'), '{"type":"commonjs"}');
await writeFile(join(dir, 'empty.js'), '');
const empty = median('./empty.js');
const rows: string[] = [];
const ratios: number[] = [];
let healthMs = empty;
for (const f of FUNCTIONS) {
  const code = resources[functionId(f.name)]!.Properties.Code.ZipFile;
  const sdk = [...new Set([...code.matchAll(/\brequire\("(@aws-sdk\/[^"]+)"\)/g)].map((m) => m[1]!))];
  await writeFile(join(dir, `${f.name}.js`), code);
  await writeFile(join(dir, `${f.name}-floor.js`), sdk.map((p) => `require(${JSON.stringify(p)});`).join('\n'));
  // Bundle and floor alternate, so a burst of load on the machine hits both alike.
  const [bundle, floor] = pairedMedians(`./${f.name}.js`, sdk.length ? `./${f.name}-floor.js` : './empty.js');
  if (f.name === 'health') healthMs = bundle;
  ratios.push(bundle / floor);
  rows.push(`| ${f.name} | ${Buffer.byteLength(code).toLocaleString('en-US')} | ${sdk.map((p) => p.replace('@aws-sdk/', '')).join(', ') || '—'} | ${bundle.toFixed(0)} ms | ${floor.toFixed(0)} ms | ${(bundle / floor).toFixed(2)}× |`);
  console.log(rows.at(-1));
}
await rm(dir, { recursive: true, force: true });
const m = machineFacts();
const md = `## Cold start: require() time per bundle, template size

Command: \`${process.env.BENCH_COMMAND ?? 'npm run bench -- --only cold-start --write'}\` (this part: \`tsx bench/cold-start.bench.ts --runs ${RUNS}${values.write ? ' --write' : ''}\`).
Machine: ${m.cpu}, \`nproc\` = ${m.nproc}, ${m.memory}, ${m.platform}, Node ${m.node}; 1-minute load average ${m.load1.toFixed(2)} at the start.
Each figure is the median of ${RUNS} fresh \`node\` processes (bundle and floor alternating) timing \`require()\` of the inlined code (from
\`${TEMPLATE_PATH}\`) with the SDK from node_modules (Lambda's runtime provides its own); the floor requires only the
\`@aws-sdk/*\` packages that bundle requires. Goal: each bundle within 1.2× of its floor. An empty module: ${empty.toFixed(1)} ms.

| function | inline bytes | SDK packages it requires | require() bundle | floor: its SDK packages only | ratio |
|---|---|---|---|---|---|
${rows.join('\n')}

Template: ${Buffer.byteLength(template).toLocaleString('en-US')} bytes (CloudFormation accepts up to 51,200 in a direct upload and 1 MB staged in S3:
\`npm run deploy\` stages it). Worst ratio ${Math.max(...ratios).toFixed(2)}×. What a bundle adds to its SDK clients is our
code and its libraries, loaded by every function: the health function (no SDK) shows it, ${(healthMs - empty).toFixed(0)} ms over an empty module —
Powertools Logger, the zod/mini configuration schemas and (authorizer) jose. Where that is more than 20 % of a small SDK
floor (Secrets Manager, S3 alone) the ratio exceeds the 1.2× goal. Timings are for this machine only; tests never assert them.
`;
if (values.write) {
  const path = new URL('../docs/benchmarks.md', import.meta.url);
  await writeFile(path, replaceSection(await readFile(path, 'utf8').catch(() => ''), '## Cold start', md));
} else console.log(md);
