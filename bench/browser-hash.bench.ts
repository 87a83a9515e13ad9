/**
 * npm run bench -- --only hash [-- --write]: the console's SHA-256 in Chromium vs Node's native hash (issue 12).
 *
 * The browser figures are end to end, as the console hashes a picture: a 48 MiB File picked through
 * an <input type=file> (on disk, like a user's photo; the API's largest original is 50 MiB) is handed
 * to a hashing worker — the one the console build ships — which reads it and answers the digest.
 * With the default limit (Web Crypto: the path of every picture the API accepts) through a fresh
 * worker (a first picture) and through one kept from the previous hash (the next pictures); and with
 * the limit at 0 (hash-wasm streaming: files over 64 MiB, or a page that is not a secure context).
 * Also: each primitive alone on bytes already in memory (Web Crypto, hash-wasm in 1 MiB chunks);
 * Node's `node:crypto` on bytes in memory in 1 MiB chunks — the reference of the goal (≥ 0.5×) — and
 * end to end on the same file (the Node client's `hashPicture(path)`: read from disk + `node:crypto`).
 * Medians of RUNS alternating runs (the machine is shared).
 *
 * The rows live in the local stack's table (`--only stack` measures them too); `--write` here
 * replaces only those rows of docs/benchmarks.md.
 */
import './quiet.js';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { createClient } from '../client/src/index.js';
import { findChromium } from '../test/helpers/browser.js';
import { PAGE_HELPERS, serveHashWorker } from '../test/helpers/hash-worker-host.js';

const FILE_MIB = 48;
const MEMORY_MIB = 256;
const RUNS = 7;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface BrowserHashFigures {
  /** MiB/s, end to end on the File, through a fresh worker (a first picture). */
  webCrypto: number;
  /** The same through a worker kept from the previous hash (the next pictures: the client reuses its workers). */
  webCryptoKept: number;
  wasm: number;
  /** MiB/s, Chromium reading the File into memory, no hash (the floor of the end-to-end figures). */
  readOnly: number;
  /** MiB/s, the primitive alone on bytes in memory, in the page. */
  webCryptoMemory: number;
  wasmMemory: number;
  /** MiB/s, node:crypto on bytes in memory. */
  native: number;
  /** MiB/s, the Node client hashing the same file from its path. */
  nativeFile: number;
  load: [number, number];
}

const nodeNative = () => {
  const chunk = randomBytes(1024 * 1024);
  const t = performance.now();
  const h = createHash('sha256');
  for (let i = 0; i < MEMORY_MIB; i++) h.update(chunk);
  h.digest('hex');
  return MEMORY_MIB / ((performance.now() - t) / 1000);
};

export const measureBrowserHash = async (): Promise<BrowserHashFigures> => {
  const loadBefore = loadavg()[0]!;
  const dir = await mkdtemp(join(tmpdir(), 'travellog-hash-bench-'));
  const host = await serveHashWorker();
  const browser = await chromium.launch({ executablePath: await findChromium(), args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const bytes = randomBytes(FILE_MIB * 1024 * 1024);
    const expected = createHash('sha256').update(bytes).digest('hex');
    const file = join(dir, 'large.jpg');
    await writeFile(file, bytes);
    const page = await browser.newPage();
    await page.goto(`http://localhost:${host.port}/`); // localhost: a secure context, as the console's https would be
    await page.setContent('<!doctype html><input type="file" id="f">');
    await page.evaluate(PAGE_HELPERS(host.workerPath));
    await page.addScriptTag({ path: createRequire(import.meta.url).resolve('hash-wasm/dist/sha256.umd.min.js') });
    await page.locator('#f').setInputFiles(file);
    /** One hash of the picked File by a fresh worker, as the console does per picture. */
    const endToEnd = async (maxWholeBytes?: number, kept = false) => {
      const r = (await page.evaluate(`(async () => {
        const file = document.getElementById('f').files[0];
        const t = performance.now();
        const answer = await hashWorkerOnBlob(file, ${maxWholeBytes ?? 'undefined'}, ${kept});
        return { ...answer, ms: performance.now() - t };
      })()`)) as { hex: string; via: string; ms: number };
      const want = maxWholeBytes === 0 ? 'wasm' : 'web-crypto';
      if (r.hex !== expected || r.via !== want) throw new Error(`the worker answered ${r.hex} via ${r.via}, expected ${expected} via ${want}`);
      return FILE_MIB / (r.ms / 1000);
    };
    const inMemory = (): Promise<{ webCrypto: number; wasm: number }> =>
      page.evaluate(`(async () => {
        const mib = ${MEMORY_MIB};
        const chunk = new Uint8Array(1024 * 1024); crypto.getRandomValues(chunk.subarray(0, 65536));
        const whole = new Uint8Array(mib * 1024 * 1024); for (let i = 0; i < mib; i++) whole.set(chunk, i * chunk.length);
        let t = performance.now(); await crypto.subtle.digest('SHA-256', whole);
        const webCrypto = mib / ((performance.now() - t) / 1000);
        const h = await hashwasm.createSHA256();
        t = performance.now(); h.init(); for (let i = 0; i < mib; i++) h.update(chunk); h.digest('hex');
        return { webCrypto, wasm: mib / ((performance.now() - t) / 1000) };
      })()`);
    const readOnly = async () =>
      FILE_MIB /
      (((await page.evaluate(`(async () => {
        const t = performance.now();
        await document.getElementById('f').files[0].arrayBuffer();
        return performance.now() - t;
      })()`)) as number) /
        1000);
    const nodeClient = createClient({ baseUrl: 'http://127.0.0.1:9', getToken: () => 'unused' }); // hashing needs no API
    const nodeFile = async () => {
      const t = performance.now();
      const { image_hash } = await nodeClient.hashPicture(file);
      if (image_hash !== expected) throw new Error(`the Node client hashed ${image_hash}, expected ${expected}`);
      return FILE_MIB / ((performance.now() - t) / 1000);
    };
    await endToEnd(); // warm-up: the worker script cached, the file in the page cache
    await endToEnd(undefined, true); // starts the kept worker
    const runs: { webCrypto: number; webCryptoKept: number; wasm: number; readOnly: number; webCryptoMemory: number; wasmMemory: number; native: number; nativeFile: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
      const memory = await inMemory();
      runs.push({ webCrypto: await endToEnd(), webCryptoKept: await endToEnd(undefined, true), wasm: await endToEnd(0), readOnly: await readOnly(), webCryptoMemory: memory.webCrypto, wasmMemory: memory.wasm, native: nodeNative(), nativeFile: await nodeFile() });
    }
    const of = (k: keyof (typeof runs)[number]) => median(runs.map((r) => r[k]));
    return { webCrypto: of('webCrypto'), webCryptoKept: of('webCryptoKept'), wasm: of('wasm'), readOnly: of('readOnly'), webCryptoMemory: of('webCryptoMemory'), wasmMemory: of('wasmMemory'), native: of('native'), nativeFile: of('nativeFile'), load: [loadBefore, loadavg()[0]!] };
  } finally {
    await browser.close();
    await host.close();
    await rm(dir, { recursive: true, force: true });
  }
};

const mibs = (x: number) => `${x.toFixed(0)} MiB/s`;

/** The SHA-256 rows of the local stack's table (each starts with `| SHA-256`: replaceHashRows finds them so). */
export const hashRows = (f: BrowserHashFigures, command: string): string[] => {
  const ratios = (x: number) => `ratio ${(x / f.native).toFixed(2)}; ${(x / f.nativeFile).toFixed(2)} of Node's end to end`;
  const goal = (x: number) => `≥ 0.5 × native: ${x >= 0.5 * f.native ? 'met' : 'not met'}`;
  return [
    `| SHA-256 in Chromium, the console's hasher end to end: a ${FILE_MIB} MiB File read and digested by Web Crypto in the hashing worker (every picture up to 64 MiB); first picture (worker started) | ${mibs(f.webCrypto)} (${ratios(f.webCrypto)}) | ${goal(f.webCrypto)} |`,
    `| SHA-256 in Chromium, the same for the next pictures (the worker kept from the previous hash) | ${mibs(f.webCryptoKept)} (${ratios(f.webCryptoKept)}) | ${goal(f.webCryptoKept)} |`,
    `| SHA-256 in Chromium, the same File through hash-wasm streaming in a fresh worker (files over 64 MiB; pages without a secure context) | ${mibs(f.wasm)} (${ratios(f.wasm)}) | |`,
    `| SHA-256 in Chromium: reading the File alone, no hash (\`File.arrayBuffer()\` on the page; an upper bound for both end-to-end figures) | ${mibs(f.readOnly)} | |`,
    `| SHA-256 in Chromium, the digest alone on ${MEMORY_MIB} MiB in memory (as measured before this work): Web Crypto / hash-wasm (1 MiB chunks) | ${mibs(f.webCryptoMemory)} / ${mibs(f.wasmMemory)} (ratios ${(f.webCryptoMemory / f.native).toFixed(2)} / ${(f.wasmMemory / f.native).toFixed(2)}) | ${goal(f.webCryptoMemory)} (Web Crypto) |`,
    `| SHA-256, Node's native \`node:crypto\` on ${MEMORY_MIB} MiB in memory (1 MiB chunks) / end to end on the same ${FILE_MIB} MiB file (the Node client's \`hashPicture(path)\`) | ${mibs(f.native)} / ${mibs(f.nativeFile)} | |`,
    `| SHA-256 rows: \`${command}\`, medians of ${RUNS} alternating runs, load average ${f.load[0].toFixed(2)} → ${f.load[1].toFixed(2)} | | |`,
  ];
};

/** `md` with the SHA-256 rows of the local stack's table replaced by `rows` (the rest untouched). */
export const replaceHashRows = (md: string, rows: string[]): string => {
  const lines = md.split('\n');
  const start = lines.findIndex((l) => l.startsWith('| SHA-256'));
  if (start < 0) throw new Error('docs/benchmarks.md has no `| SHA-256` rows: run `npm run bench -- --only stack --write` first');
  let end = start;
  while (lines[end]?.startsWith('| SHA-256')) end++;
  lines.splice(start, end - start, ...rows);
  return lines.join('\n');
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { write: { type: 'boolean', default: false } } });
  const figures = await measureBrowserHash();
  const rows = hashRows(figures, process.env.BENCH_COMMAND ?? 'npm run bench -- --only hash --write');
  console.log(rows.join('\n'));
  if (values.write) {
    const docs = new URL('../docs/benchmarks.md', import.meta.url);
    await writeFile(docs, replaceHashRows(await readFile(docs, 'utf8'), rows));
  }
  process.exit(0);
}
