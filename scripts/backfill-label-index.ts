/**
 * npm run backfill-label-index [-- --table NAME --region R] [--segments N] [--checkpoint FILE] [--restart]
 *
 * Indexes the labels of every analysed record that predates the label index (src/use-cases/
 * backfill-label-index.ts): idempotent (unchanged items are not rewritten) and resumable
 * (the checkpoint file is written after every page; run the same command again to continue).
 *
 * - Local (default): opens the local stack's data in DATA_DIR (default .data) — stop `npm start` first.
 * - AWS: `--table <the stack's TableName output> --region <region>` with your AWS credentials in the
 *   environment (the same code, through the SDK's default credential chain; needs dynamodb:Scan,
 *   dynamodb:Query and dynamodb:BatchWriteItem on the table). Run it once after deploying this version.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAnalysedRecords } from '../src/adapters/dynamodb/analysed-records.js';
import { DynamoLabelIndex } from '../src/adapters/dynamodb/label-index.js';
import { LOCAL_CREDENTIALS, LOCAL_HOST, LOCAL_REGION } from '../src/local/constants.js';
import { startLocalDynamo, type LocalDynamo } from '../src/local/dynamodb/index.js';
import { LOCAL_TABLE } from '../src/local/stack.js';
import { backfillLabelIndex, freshCheckpoint, type BackfillCheckpoint } from '../src/app/backfill-label-index.js';

const { values } = parseArgs({
  options: {
    table: { type: 'string' },
    region: { type: 'string' },
    segments: { type: 'string', default: '4' },
    checkpoint: { type: 'string' },
    restart: { type: 'boolean', default: false },
  },
});
const segments = Number(values.segments);
if (!Number.isInteger(segments) || segments < 1 || segments > 64) throw new Error('--segments must be an integer from 1 to 64');

let local: LocalDynamo | undefined;
let client: DynamoDBClient;
let table: string;
let checkpointFile: string;
if (values.table) {
  table = values.table;
  client = new DynamoDBClient(values.region ? { region: values.region } : {});
  checkpointFile = resolve(values.checkpoint ?? `backfill-label-index.${table}.json`);
} else {
  const dataDir = resolve(process.env.DATA_DIR ?? '.data');
  table = LOCAL_TABLE;
  try {
    local = await startLocalDynamo({ path: join(dataDir, 'dynamodb'), host: LOCAL_HOST, tableName: table, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  } catch (e) {
    console.error(`Cannot open ${join(dataDir, 'dynamodb')} (${(e as Error).message}). Stop \`npm start\` first: the local data can be open in one process only.`);
    process.exit(1);
  }
  client = new DynamoDBClient({ endpoint: local.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  checkpointFile = resolve(values.checkpoint ?? join(dataDir, 'backfill-label-index.json'));
}

const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
const saved = values.restart ? undefined : await readFile(checkpointFile, 'utf8').then((t) => JSON.parse(t) as BackfillCheckpoint, () => undefined);
const checkpoint = saved?.segments === segments ? saved : freshCheckpoint(segments);
if (saved && saved !== checkpoint) console.log(`checkpoint ${checkpointFile} was for ${saved.segments} segments: starting over with ${segments}`);
else if (saved?.positions.every((p) => p === 'done')) console.log(`${checkpointFile} says a run finished: nothing to do (--restart runs it again)`);
else if (saved) console.log(`continuing from ${checkpointFile}`);

const save = async (c: BackfillCheckpoint) => {
  await mkdir(dirname(checkpointFile), { recursive: true });
  await writeFile(`${checkpointFile}.tmp`, JSON.stringify(c));
  await rename(`${checkpointFile}.tmp`, checkpointFile); // never a half-written checkpoint
};
let stop = false;
process.once('SIGINT', () => {
  console.log('stopping after the current pages (the checkpoint is kept)…');
  stop = true;
});
const started = Date.now();
try {
  const result = await backfillLabelIndex({
    records: new DynamoAnalysedRecords(doc, table),
    index: new DynamoLabelIndex(doc, table),
    checkpoint,
    save,
    shouldStop: () => stop,
    onPage: (p) => console.log(`${p.records} records, ${p.written} index items written, ${p.removed} removed`),
  });
  console.log(
    `${result.done ? 'done' : 'stopped'} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${result.records} analysed records, ` +
      `${result.written} index items written, ${result.removed} stale ones removed${result.done ? '' : ` — run again to continue from ${checkpointFile}`}`,
  );
} finally {
  doc.destroy();
  await local?.close();
}
