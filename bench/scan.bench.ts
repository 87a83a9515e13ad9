/**
 * npm run bench [-- --only scan] [-- --runs N] [-- --write]: `GET /scan`'s cost with the label index.
 *
 * One user's library grows to 100, 1,000 and 10,000 images, of which always 10 carry Beach > 80
 * (5 of them in post 1, which holds 20 images). For each size: DynamoDB items read per request
 * (counted by a client middleware: Query `ScannedCount`, BatchGetItem responses) and latency
 * (median / p95) of the scan handler on dynalite, for a label-only search, a grouping + label
 * search, a first page of 3, and — for contrast — the same label search read through the user
 * index, as it was before the label index. Then the label index's write amplification per
 * analysed image and what it adds to the AWS cost. `--write` replaces this bench's section of
 * docs/benchmarks.md.
 */
import './quiet.js';
import { parseArgs } from 'node:util';
import { readFile, writeFile } from 'node:fs/promises';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoLabelIndex } from '../src/adapters/dynamodb/label-index.js';
import { DynamoScanIndex } from '../src/adapters/dynamodb/scan-index.js';
import { labelItemsPartition } from '../src/core/label-index.js';
import { derivePageTokenKey } from '../src/core/page-token.js';
import { parsePageRequest } from '../src/core/scan-access.js';
import { collectPage } from '../src/core/scan-page.js';
import { planScan } from '../src/core/scan-plan.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../src/local/constants.js';
import { scanPage } from '../src/app/scan-page.js';
import { startTestDynamo } from '../test/helpers/dynalite-table.js';
import { countingDocumentClient } from '../test/helpers/read-counter.js';
import { seedImageKey, seedImages, type SeedImage } from '../test/helpers/scan-seed.js';
import { machineFacts, medianP95, replaceSection } from './lib.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '40' }, write: { type: 'boolean', default: false } } });
const RUNS = Number(values.runs);
if (!Number.isInteger(RUNS) || RUNS < 5) throw new Error('--runs must be an integer ≥ 5');
const SIZES = [100, 1_000, 10_000];
const MATCHES = 10;
const LABELS_PER_IMAGE = 10; // a typical DetectLabels answer at MIN_CONFIDENCE 75, parents included
/** On-demand prices, us-east-1, per million request units (DynamoDB pricing page, since Nov 2024). */
const PRICE_WRU = 0.625;
const PRICE_RRU = 0.125;
const PRICE_GB_MONTH = 0.25;
const REKOGNITION_PER_1000 = 1.0;

const facts = machineFacts();
const t0 = performance.now();
const log = (s: string) => console.log(`[scan bench ${((performance.now() - t0) / 1000).toFixed(1)} s] ${s}`);

const db = await startTestDynamo('scan-bench');
const { doc, reads } = countingDocumentClient({ endpoint: db.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
const index = new DynamoScanIndex(doc, db.tableName);
const tokenKey = derivePageTokenKey('bench-secret-bench-secret');

const other = ['Sky', 'Outdoors', 'Nature', 'Sea', 'Water', 'Person', 'Tree', 'Sand', 'Cloud'];
const libraryOf = (userId: string, size: number): SeedImage[] =>
  Array.from({ length: size }, (_, i) => ({
    userId,
    seed: `${userId}-${i}`,
    status: 'approved' as const,
    // Ten labels each; the first 10 images carry Beach above 80, the rest Beach at 60–70 or none.
    labels: [
      ...(i < MATCHES ? [{ name: 'Beach', confidence: 81 + i, parents: [] }] : i % 2 ? [{ name: 'Beach', confidence: 60 + (i % 10), parents: [] }] : []),
      ...other.map((name, k) => ({ name, confidence: 76 + ((i + k) % 20), parents: [] })),
    ].slice(0, LABELS_PER_IMAGE),
    // Post 1: 5 of the matches and 15 others; the rest in posts of 20.
    posts: [{ post_id: i < 5 || (i >= MATCHES && i < MATCHES + 15) ? 1 : 2 + Math.floor(i / 20), trip_id: null, location_id: null }],
    createdAt: Date.UTC(2026, 0, 1) + i * 1000,
  }));

const run = (userId: string, query: Record<string, string[]>, page: Record<string, string[]> = {}) =>
  scanPage({ index, tokenKey }, userId, planScan(userId, query), parsePageRequest(page), Date.now());

interface Case {
  name: string;
  expect: number;
  req: (userId: string) => Promise<number>;
}
const cases: Case[] = [
  { name: '`label=beach>80` (label index)', expect: MATCHES, req: async (u) => (await run(u, { label: ['beach>80'] })).images.length },
  { name: '`post_id=1&label=beach>80` (post index, 20 images)', expect: 5, req: async (u) => (await run(u, { post_id: ['1'], label: ['beach>80'] })).images.length },
  { name: '`label=beach>80&limit=3`, first page', expect: 3, req: async (u) => (await run(u, { label: ['beach>80'] }, { limit: ['3'] })).images.length },
  {
    name: 'before: the same label search through the user index',
    expect: MATCHES,
    req: async (u) => (await collectPage(index.source(u, { kind: 'user' }), { limit: 1000, filters: planScan(u, { label: ['beach>80'] }).filters, nowMs: Date.now() })).images.length,
  },
];

interface Row {
  size: number;
  items: number[];
  calls: number[];
  ms: number[][];
}
const rows: Row[] = [];
for (const size of SIZES) {
  const userId = `bench-${size}`;
  const seedStart = performance.now();
  await seedImages(doc, db.tableName, libraryOf(userId, size));
  log(`seeded ${size} images of ${userId} in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
  const row: Row = { size, items: [], calls: [], ms: [] };
  for (const c of cases) {
    for (let i = 0; i < 5; i++) await c.req(userId); // warm-up
    reads.reset();
    if ((await c.req(userId)) !== c.expect) throw new Error(`${c.name} at ${size}: not ${c.expect} images`);
    row.items.push(reads.items);
    row.calls.push(reads.calls);
    const times: number[] = [];
    const runs = c.name.startsWith('before') && size >= 10_000 ? Math.min(RUNS, 10) : RUNS;
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await c.req(userId);
      times.push(performance.now() - t);
    }
    row.ms.push(times);
  }
  rows.push(row);
  log(`${size}: items read ${row.items.join(' / ')}`);
}

// Write amplification: index one analysed image and measure what was written.
const labelIndex = new DynamoLabelIndex(doc, db.tableName);
const sample = libraryOf('bench-wa', 1)[0]!;
const { written } = await labelIndex.put(seedImageKey(sample), sample.userId, sample.labels);
const { Items = [] } = await doc.send(
  new QueryCommand({ TableName: db.tableName, KeyConditionExpression: 'image_key = :p', ExpressionAttributeValues: { ':p': labelItemsPartition(seedImageKey(sample), sample.userId) } }),
);
/** DynamoDB's item size: attribute names plus UTF-8 values (all strings here). */
const itemBytes = (item: Record<string, unknown>) => Object.entries(item).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(String(v)), 0);
const largest = Math.max(...Items.map(itemBytes));
const wruPerImage = written * 2; // each item ≤ 1 KB: 1 WRU on the table + 1 on label-index (KEYS_ONLY)
const rruPerImage = 2; // the step's Query of the (image, user) partition + GetItem of the record, strongly consistent
const storedBytes = Items.reduce((n, i) => n + itemBytes(i) + 100, 0) * 2; // + 100 B overhead per item, table + GSI
const costWrite = (wruPerImage * 1000 * PRICE_WRU) / 1e6;
const costRead = (rruPerImage * 1000 * PRICE_RRU) / 1e6;
const costStorage = ((storedBytes * 1000) / 2 ** 30) * PRICE_GB_MONTH;
const costDelete = costWrite;

doc.destroy();
await db.close();
const runtime = (performance.now() - t0) / 1000;

const flat = new Set(rows.map((r) => r.items[0])).size === 1 && new Set(rows.map((r) => r.items[1])).size === 1;
const md = `## Scan with the label index

Command: \`${process.env.BENCH_COMMAND ?? 'tsx bench/scan.bench.ts'}\` (this part: \`tsx bench/scan.bench.ts --runs ${RUNS}${values.write ? ' --write' : ''}\`;
\`npm run bench -- --only scan\` runs it alone). Runtime ${runtime.toFixed(0)} s.
Machine: ${facts.cpu}, \`nproc\` = ${facts.nproc}, ${facts.memory} RAM, Node ${facts.node}, 1-minute load ${facts.load1.toFixed(2)} at the start.
Set-up: dynalite in this process; \`scanPage\` (\`src/use-cases/scan.ts\`: what the scan handler runs) on the real
\`DynamoScanIndex\`, through a DynamoDB client whose middleware counts the items each \`Query\` (\`ScannedCount\`) and
\`BatchGetItem\` return. One user's library of ${SIZES.map((s) => s.toLocaleString('en')).join(' / ')} images (${LABELS_PER_IMAGE} labels each; the three libraries
share the table, so it ends with ~${((SIZES.reduce((a, b) => a + b, 0) * (2 + LABELS_PER_IMAGE)) / 1000).toFixed(0)} k items), always ${MATCHES} with Beach > 80, 5 of them in post 1 (20 images).
Latency: median / p95 of ${RUNS} requests after 5 of warm-up (the "before" row: 10 at 10,000 images).

| images of the user | ${cases.map((c) => c.name).join(' | ')} |
|---|${cases.map(() => '---').join('|')}|
${rows.map((r) => `| ${r.size.toLocaleString('en')} | ${r.items.map((n, i) => `**${n} items** (${r.calls[i]} requests), ${medianP95(r.ms[i]!)}`).join(' | ')} |`).join('\n')}

${
  flat
    ? `A label-only search reads ${rows[0]!.items[0]} items for ${MATCHES} matches (≤ 2 × matches + 2: the ${MATCHES} index items, their ${MATCHES} records) at every library size, and a
grouping + label search ${rows[0]!.items[1]} (the post's 20 placements and their records), while the user-index read grows with the library
(${rows.map((r) => r.items[3]).join(' → ')}). A first page of 3 reads the 4 index items it looks at (3 + one ahead), their records, and one
\`Select: COUNT\` over the ${MATCHES} matches for \`total_count\`.`
    : `Items read changed with the library (${rows.map((r) => r.items[0]).join(' → ')}): the claim in docs/data-model.md does not hold.`
}

### Write amplification of the label index

Indexing one analysed image with ${LABELS_PER_IMAGE} labels wrote **${written} items** (one per label, largest ${largest} bytes, so 1 write unit each)
in its own (image, user) partition, each replicated to \`label-index\` (KEYS_ONLY): **${wruPerImage} write request units** per analysed image,
plus ${rruPerImage} read units (the step's \`Query\` of that partition and its \`GetItem\` of the record); deleting the image costs the same writes again.
At on-demand prices (us-east-1: $${PRICE_WRU} per million WRU, $${PRICE_RRU} per million RRU, $${PRICE_GB_MONTH} per GB-month):

| per 1,000 analysed images | cost |
|---|---|
| index writes (${wruPerImage} WRU each) | $${costWrite.toFixed(4)} |
| index step reads (${rruPerImage} RRU each) | $${costRead.toFixed(5)} |
| storage (${(storedBytes / 1024).toFixed(1)} KB per image, table + GSI), per month | $${costStorage.toFixed(5)} |
| deletes, if every image is deleted later | $${costDelete.toFixed(4)} |
| **total, worst case** | **$${(costWrite + costRead + costStorage + costDelete).toFixed(4)}** = ${(((costWrite + costRead + costStorage + costDelete) / REKOGNITION_PER_1000) * 100).toFixed(1)} % of Rekognition's $${REKOGNITION_PER_1000.toFixed(2)} |

With 20 labels per image the figures double (${((2 * (costWrite + costRead + costStorage + costDelete)) / REKOGNITION_PER_1000 * 100).toFixed(1)} %).
Timings are for this machine only; tests never assert them.
`;
console.log(`\n${md}`);
if (values.write) {
  const path = new URL('../docs/benchmarks.md', import.meta.url);
  await writeFile(path, replaceSection(await readFile(path, 'utf8').catch(() => ''), '## Scan with the label index', md));
  console.log('written to docs/benchmarks.md');
}
