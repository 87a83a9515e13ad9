/**
 * The browser entry's hashing worker, as the console build ships it, in real Chromium: both
 * paths (Web Crypto for a Blob up to the limit, streaming WebAssembly above it or where the page
 * is not a secure context) give node:crypto's digest on the same bytes, at and around the limit.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { PAGE_HELPERS, serveHashWorker, type HashWorkerHost } from '../helpers/hash-worker-host.js';

/** A small limit injected into the worker: the paths switch at 5,000 bytes instead of 64 MiB. */
const LIMIT = 5_000;
const SIZES = [0, 1, 63, 64, 65, LIMIT - 1, LIMIT, LIMIT + 1, 3 * LIMIT + 17];
const bytesOf = (n: number) => new Uint8Array(randomBytes(n));
const nodeSha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

interface Answer {
  hex: string;
  via?: string;
  progress: number[];
}

/** The bytes cross into the page as base64 (a JSON array of numbers is slow for MiBs). */
const hashIn = (page: Page, bytes: Uint8Array, options: { maxWholeBytes?: number; chunks?: boolean }): Promise<Answer> =>
  page.evaluate(`hashInWorker(Uint8Array.from(atob(${JSON.stringify(Buffer.from(bytes).toString('base64'))}), (c) => c.charCodeAt(0)), ${JSON.stringify(options)})`);

describe('the hashing worker (Chromium)', () => {
  let browser: Browser;
  let host: HashWorkerHost;
  let secure: Page;
  let insecure: Page;

  beforeAll(async () => {
    host = await serveHashWorker();
    // `hash-test.invalid` resolves to the same server: plain http on a name other than localhost is no secure context.
    browser = await launchChromium(['--host-resolver-rules=MAP hash-test.invalid 127.0.0.1']);
    secure = await browser.newPage();
    await secure.goto(`http://localhost:${host.port}/`);
    insecure = await browser.newPage();
    await insecure.goto(`http://hash-test.invalid:${host.port}/`);
    for (const page of [secure, insecure]) await page.evaluate(PAGE_HELPERS(host.workerPath));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  it('is given a secure context on localhost and none under another host name (the premise of the paths below)', async () => {
    expect(await secure.evaluate('[isSecureContext, typeof crypto.subtle]')).toEqual([true, 'object']);
    expect(await insecure.evaluate('[isSecureContext, typeof crypto.subtle]')).toEqual([false, 'undefined']);
  });

  it('hashes a Blob with Web Crypto up to the limit and with WebAssembly above it, always as node:crypto does', async () => {
    for (const size of SIZES) {
      const bytes = bytesOf(size);
      const answer = await hashIn(secure, bytes, { maxWholeBytes: LIMIT });
      expect({ size, hex: answer.hex, via: answer.via }).toEqual({ size, hex: nodeSha(bytes), via: size <= LIMIT ? 'web-crypto' : 'wasm' });
      // The last progress message says every byte was read.
      if (size > 0) expect(answer.progress.at(-1)).toBe(size);
    }
  });

  it('uses Web Crypto by default for a Blob of several MiB (the default limit is 64 MiB)', async () => {
    const bytes = bytesOf(3 * 1024 * 1024 + 5);
    const answer = await hashIn(secure, bytes, {});
    expect(answer).toMatchObject({ hex: nodeSha(bytes), via: 'web-crypto' });
    // Progress arrives as the worker reads, not only at the end.
    expect(answer.progress.length).toBeGreaterThan(1);
    expect(answer.progress).toEqual([...answer.progress].sort((a, b) => a - b));
  });

  it('falls back to WebAssembly where the page is not a secure context (no crypto.subtle), with the same digests', async () => {
    for (const size of SIZES) {
      const bytes = bytesOf(size);
      expect(await hashIn(insecure, bytes, { maxWholeBytes: LIMIT })).toMatchObject({ hex: nodeSha(bytes), via: 'wasm' });
    }
  });

  it('answers hash after hash in one worker (the page reuses its workers), streams and Blobs mixed', async () => {
    const inputs = [bytesOf(70_000), bytesOf(10), bytesOf(200_000), bytesOf(0)];
    const hexes = (await secure.evaluate(`(async () => {
      const worker = new Worker(${JSON.stringify(host.workerPath)}, { type: 'module' });
      const next = () => new Promise((resolve) => { worker.onmessage = (e) => { if (e.data.hex !== undefined || e.data.error) resolve(e.data.hex ?? e.data.error); }; });
      const decode = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const out = [];
      for (const [i, b64] of ${JSON.stringify(inputs.map((b) => Buffer.from(b).toString('base64')))}.entries()) {
        const bytes = decode(b64);
        const answer = next();
        if (i % 2) {
          for (let at = 0; at < bytes.length; at += 4096) worker.postMessage({ chunk: bytes.slice(at, at + 4096) });
          worker.postMessage({ digest: true });
        } else worker.postMessage({ blob: new Blob([bytes]) });
        out.push(await answer);
      }
      worker.terminate();
      return out;
    })()`)) as string[];
    expect(hexes).toEqual(inputs.map(nodeSha));
  });

  it('hashes a stream of transferred chunks (a source without a Blob) as node:crypto does', async () => {
    for (const size of [0, 65_535, 65_536, 200_001]) {
      const bytes = bytesOf(size);
      expect((await hashIn(secure, bytes, { chunks: true })).hex).toBe(nodeSha(bytes));
    }
  });
});
