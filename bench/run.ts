/**
 * npm run bench [-- --only detector|api|variants|cold-start|cost|stack|webhooks|scan|hash] [-- --runs N] [-- --requests N] [-- --uploads N] [-- --scan-runs N] [-- --write]:
 * the benches in sequence, each in its own process — the local label detector's, the API's, the image
 * variants', the bundles' require() times, the AWS cost per 1,000 images, the local stack under load, `/scan` with the label index
 * (`hash`, only on request: the browser vs native SHA-256 rows of the stack's table, alone).
 * `--runs` goes to the detector and cold-start benches, `--requests` to the API bench, `--uploads` to the
 * stack bench, `--scan-runs` to the scan bench, `--write` to all; each
 * writes its own section of docs/benchmarks.md and the others are kept.
 */
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { keepLostSections } from './lib.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    runs: { type: 'string' },
    'scan-runs': { type: 'string' },
    requests: { type: 'string' },
    uploads: { type: 'string' },
    write: { type: 'boolean', default: false },
  },
});
const benches = [
  { name: 'detector', file: 'local-detector.bench.ts', args: values.runs ? ['--runs', values.runs] : [] },
  { name: 'api', file: 'api.bench.ts', args: values.requests ? ['--requests', values.requests] : [] },
  { name: 'variants', file: 'variants.bench.ts', args: [] },
  { name: 'cold-start', file: 'cold-start.bench.ts', args: values.runs ? ['--runs', values.runs] : [] },
  { name: 'cost', file: 'aws-cost.bench.ts', args: [] },
  { name: 'stack', file: 'local-stack.bench.ts', args: values.uploads ? ['--uploads', values.uploads] : [] },
  { name: 'webhooks', file: 'webhooks.bench.ts', args: [] },
  { name: 'scan', file: 'scan.bench.ts', args: values['scan-runs'] ? ['--runs', values['scan-runs']] : [] },
  // Only on request: `stack` measures the same SHA-256 rows; this re-measures just them.
  { name: 'hash', file: 'browser-hash.bench.ts', args: [], onlyOnRequest: true },
];
if (values.only && !benches.some((b) => b.name === values.only)) throw new Error(`--only must be one of ${benches.map((b) => b.name).join(', ')}`);

const docs = new URL('../docs/benchmarks.md', import.meta.url);
for (const b of benches.filter((b) => (values.only ? b.name === values.only : !('onlyOnRequest' in b)))) {
  const before = await readFile(docs, 'utf8').catch(() => '');
  const file = new URL(b.file, import.meta.url).pathname;
  const args = [...b.args, ...(values.write ? ['--write'] : [])];
  console.log(`\n> tsx bench/${b.file}${args.length ? ` ${args.join(' ')}` : ''}`);
  const { status, signal } = spawnSync(process.execPath, ['--import', 'tsx', file, ...args], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_COMMAND: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ') },
  });
  if (status !== 0) {
    console.error(`bench/${b.file} failed (${signal ?? `exit ${status}`})`);
    process.exit(status || 1);
  }
  // The detector bench writes the whole file: put back the sections it does not know.
  if (values.write) await writeFile(docs, keepLostSections(before, await readFile(docs, 'utf8')));
}
