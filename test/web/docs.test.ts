/** GET /docs: the interactive API reference, offline, in Chromium — every route rendered, "Try it out" against the stack. */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import serveStatic from 'serve-static';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDocsSite } from '../../src/openapi/build-docs.js';
import { mintToken } from '../../src/local/token.js';
import { bootStack, type Booted } from '../helpers/stack-harness.js';
import { collectErrors, launchChromium, screenshot } from '../helpers/browser.js';

const ROUTES = ['POST/receiver', 'GET/obtain/{file_name}', 'GET/scan', 'GET/images/{file_name}', 'DELETE/images/{file_name}', 'GET/health'];

describe('API reference (/docs) in Chromium', () => {
  let browser: Browser;
  let booted: Booted;
  let site: string;
  let host: Server;

  beforeAll(async () => {
    browser = await launchChromium();
    booted = await bootStack();
    site = await mkdtemp(join(tmpdir(), 'travellog-docs-'));
    await buildDocsSite(site);
    const serve = serveStatic(site);
    host = createServer((req, res) => serve(req, res, () => res.writeHead(404).end()));
    await new Promise<void>((r) => host.listen(0, '127.0.0.1', r));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await booted?.stack.stop();
    host?.close();
    if (site) await rm(site, { recursive: true, force: true });
  });

  const routesOn = async (url: string) => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    const outside: string[] = [];
    page.on('request', (r) => {
      if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(r.url()) && !r.url().startsWith('data:')) outside.push(r.url());
    });
    await page.goto(url);
    await page.waitForSelector('.opblock', { timeout: 30_000 });
    const shown = await page.$$eval('.opblock', (blocks) =>
      blocks.map((b) => `${b.querySelector('.opblock-summary-method')?.textContent ?? ''}${b.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? ''}`),
    );
    return { page, errors, outside, shown };
  };

  it('renders every route from /openapi.json, offline, and "Try it out" calls the stack', async () => {
    const { page, errors, outside, shown } = await routesOn(`${booted.stack.url}/docs`);
    expect(page.url()).toBe(`${booted.stack.url}/docs/`);
    expect(shown).toEqual(expect.arrayContaining(ROUTES));

    // Authorize with a token, then run GET /scan from the page.
    await page.click('button.authorize');
    await page.fill('.auth-container input', await mintToken('456'));
    await page.click('.auth-btn-wrapper button.authorize');
    await page.click('.modal-ux .close-modal');
    const scan = page.locator('#operations-scan-get_scan, .opblock-get:has([data-path="/scan"])').first();
    await scan.locator('.opblock-summary').click();
    await scan.locator('button.execute').click();
    await expect.poll(() => scan.locator('.live-responses-table tr.response .response-col_status').first().textContent(), { timeout: 15_000 }).toMatch(/200/);
    expect(await scan.locator('.live-responses-table .microlight, .live-responses-table pre').first().textContent()).toContain('"grouping": "user_id"');
    await screenshot(page, 'docs');
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('builds as a static page (npm run build:docs) that renders the same routes', async () => {
    const { page, errors, shown } = await routesOn(`http://127.0.0.1:${(host.address() as AddressInfo).port}/`);
    expect(shown).toEqual(expect.arrayContaining(ROUTES));
    expect(errors).toEqual([]);
    await page.close();
  });
});
