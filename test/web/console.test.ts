/**
 * The web console in a real browser (Debian's Chromium through playwright-core) against the
 * local stack booted in-process with a fixture detector: sign in, upload, watch the analysis,
 * gallery, search, detail, delete — with no console errors. Screenshots: test-results/web/.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsole, type ConsoleConfig } from '../../src/local/console.js';
import { mintToken } from '../../src/local/token.js';
import { ensureWebBuild, WEB_DIST } from '../../web/build.js';
import { sha256, solidPng } from '../helpers/images.js';
import { Api, bootStack, type Booted } from '../helpers/stack-harness.js';
import { collectErrors, launchChromium, screenshot } from '../helpers/browser.js';

const beach = solidPng([238, 214, 160], 96, 64);
const cat = solidPng([120, 110, 100], 96, 64);
const lake = solidPng([60, 130, 200], 96, 64);

/** 50 pictures of one user labelled Pier: more than one page of search results (48). */
const piers = Array.from({ length: 50 }, (_, i) => solidPng([i * 5, 40, 90]));

const FIXTURE = {
  ...Object.fromEntries(piers.map((p, i) => [sha256(p), [{ name: 'Pier', confidence: 76 + i / 4, parents: [] }]])),
  [sha256(beach)]: [
    { name: 'Beach', confidence: 97.5, parents: ['Nature'] },
    { name: 'Ocean', confidence: 88.25, parents: ['Water', 'Nature'] },
  ],
  [sha256(cat)]: [{ name: 'Cat', confidence: 95.1, parents: ['Animal', 'Pet'] }],
  [sha256(lake)]: [{ name: 'Lake', confidence: 91, parents: ['Water'] }],
};

/** A plain static host for the built console, on another origin than the API (like S3/CloudFront). */
const staticHost = async (config: ConsoleConfig): Promise<{ server: Server; origin: string }> => {
  const serve = createConsole({ dir: WEB_DIST, config });
  const server = createServer((req, res) => {
    void serve(req, res).then((done) => {
      if (!done) res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
};

const finalPhase = (page: Page, name: string) =>
  page.waitForSelector(`[data-testid="upload-${name}"][data-phase="approved"], [data-testid="upload-${name}"][data-phase="under_review"], [data-testid="upload-${name}"][data-phase="rejected"], [data-testid="upload-${name}"][data-phase="failed"], [data-testid="upload-${name}"][data-phase="error"]`, { timeout: 30_000 });

describe('web console (Chromium)', () => {
  let browser: Browser;
  let booted: Booted;
  let pictures: string;
  const allowed = { apiUrl: '' } as ConsoleConfig;
  let allowedHost: { server: Server; origin: string };
  let otherHost: { server: Server; origin: string };

  beforeAll(async () => {
    browser = await launchChromium(); // fails with install instructions when Chromium is missing
    await ensureWebBuild();
    pictures = await mkdtemp(join(tmpdir(), 'travellog-web-'));
    await Promise.all([writeFile(join(pictures, 'beach.png'), beach), writeFile(join(pictures, 'cat.png'), cat), writeFile(join(pictures, 'lake.png'), lake)]);
    allowedHost = await staticHost(allowed);
    otherHost = await staticHost(allowed);
    // The analyzer reads each original whole (variants): the 48 MB picture needs more than the default 2 s timeout.
    booted = await bootStack({ fixture: FIXTURE, visibilityTimeoutSeconds: 10, env: { ALLOWED_ORIGINS: allowedHost.origin } });
    allowed.apiUrl = booted.stack.url;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await booted?.stack.stop();
    allowedHost?.server.close();
    otherHost?.server.close();
    // The large picture is 48 MB, in the pictures dir and in the stack's S3: leave nothing behind.
    await Promise.all([pictures, booted?.dataDir].filter((d): d is string => !!d).map((d) => rm(d, { recursive: true, force: true })));
  });

  it('signs in as a local user, uploads two pictures, watches them, searches, opens a detail and deletes', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = collectErrors(page);
    const url = booted.stack.url;
    await page.goto(`${url}/`);

    // Sign in (keyboard only): the local stack offers "sign in as user …".
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await screenshot(page, '01-sign-in');
    await page.getByLabel('User id').focus();
    await page.keyboard.type('456');
    await page.keyboard.press('Enter');
    await page.getByTestId('current-user').waitFor();
    expect(await page.getByTestId('current-user').textContent()).toBe('user 456');

    // Upload two pictures into post 7 (trip 3, location 5).
    await page.getByLabel('Post id').fill('7');
    await page.getByLabel('Trip id (optional)').fill('3');
    await page.getByLabel('Location id (optional)').fill('5');
    await page.getByLabel('Post text (optional)').fill('Día increíble en el desierto');
    await page.locator('#picture-files').setInputFiles([join(pictures, 'beach.png'), join(pictures, 'cat.png')]);
    await page.getByRole('button', { name: 'Upload 2 pictures' }).click();

    // Live status without reloading: both reach a final status, moderation visible.
    await Promise.all([finalPhase(page, 'beach.png'), finalPhase(page, 'cat.png')]);
    const beachRow = page.getByTestId('upload-beach.png');
    const catRow = page.getByTestId('upload-cat.png');
    expect(await beachRow.getAttribute('data-phase')).toBe('approved');
    expect(await catRow.getAttribute('data-phase')).toBe('rejected');
    expect(await beachRow.textContent()).toContain('Beach');
    expect(await beachRow.textContent()).toContain('97.5%');
    expect(await beachRow.textContent()).toContain('post 7 · picture 1');
    expect(await catRow.textContent()).toContain('post 7 · picture 2');
    expect(await beachRow.getByRole('progressbar').first().getAttribute('value')).toBe('100'); // SHA-256
    await screenshot(page, '02-uploaded');

    const beachFile = `456-${sha256(beach)}.png`;
    const catFile = `456-${sha256(cat)}.png`;

    // Gallery: both, with thumbnails through /obtain (JSON mode).
    await page.getByRole('link', { name: 'Gallery' }).click();
    await page.getByTestId(`image-${beachFile}`).locator('img').waitFor();
    await page.getByTestId(`image-${catFile}`).locator('img').waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('.thumbs img')].every((i) => i.complete && i.naturalWidth > 0));
    expect(await page.getByRole('heading', { name: /My images/ }).textContent()).toContain('(2)');
    await screenshot(page, '03-gallery');

    // Search by a label: the request is shown before it is sent.
    await page.getByRole('link', { name: 'Search' }).click();
    await page.getByRole('button', { name: 'Add a label filter' }).click();
    await page.getByLabel('Label', { exact: true }).fill('beach');
    await page.getByLabel('Condition').selectOption('>');
    await page.getByLabel('Confidence (0–100)').fill('90');
    expect(await page.getByTestId('scan-request').textContent()).toBe('GET /scan?label=beach>90');
    expect(await page.getByTestId('scan-request-sent').textContent()).toBe(`GET ${url}/scan?label=beach%3E90`);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByTestId('scan-summary').waitFor();
    expect(await page.getByTestId('scan-summary').textContent()).toMatch(/^1 image · user_id = 456 · beach > 90$/);
    await page.getByTestId(`image-${beachFile}`).waitFor();
    expect(await page.locator('.results .thumbs > li').count()).toBe(1);
    await screenshot(page, '04-search-label');

    // Search by post: both pictures of post 7.
    await page.getByRole('button', { name: 'Remove filter 1' }).click();
    await page.getByLabel('Post', { exact: true }).check();
    await page.getByLabel('Post id').fill('7');
    expect(await page.getByTestId('scan-request').textContent()).toBe('GET /scan?post_id=7');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="scan-summary"]')?.textContent?.startsWith('2 images · post_id = 7'));
    expect(await page.locator('.results .thumbs > li').count()).toBe(2);
    await screenshot(page, '05-search-post');

    // Detail: metadata, labels, moderation, posts.
    await page.getByRole('button', { name: /^Open 456-/ }).first().waitFor();
    await page.getByTestId(`image-${beachFile}`).getByRole('button').click();
    const dialog = page.getByRole('dialog', { name: 'Image details' });
    await dialog.waitFor();
    await dialog.locator('img').waitFor();
    // The detail shows the preview variant, not the original (the download button fetches the original).
    expect(await dialog.locator('img').getAttribute('src')).toMatch(/variants\/[0-9a-f]{64}\.(jpg|png)\/preview\.jpg\?/);
    const detailText = await dialog.textContent();
    expect(detailText).toContain(sha256(beach));
    expect(detailText).toContain('Approved');
    expect(detailText).toContain('Ocean');
    expect(detailText).toContain('88.3%');
    expect(detailText).toContain('Día increíble en el desierto');
    expect(await dialog.locator('tbody tr').count()).toBe(1);
    await screenshot(page, '06-detail');

    // Delete with confirmation.
    await dialog.getByRole('button', { name: 'Delete…' }).click();
    await dialog.getByRole('button', { name: 'Delete permanently' }).click();
    await dialog.waitFor({ state: 'detached' });
    const alice = await Api.as(url, '456');
    expect((await alice.image(beachFile)).status).toBe(404);
    await page.getByRole('link', { name: 'Gallery' }).click();
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.waitForFunction(() => document.querySelector('#gallery-title')?.textContent?.includes('(1)'));
    expect(await page.getByTestId(`image-${beachFile}`).count()).toBe(0);

    // Phone width: nothing wider than the screen.
    await page.setViewportSize({ width: 375, height: 740 });
    await page.getByRole('link', { name: 'Upload' }).click();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(page, '07-phone-upload');
    await page.getByRole('link', { name: 'Search' }).click();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(page, '08-phone-search');

    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('search shows a first page and loads more on request', async () => {
    const api = await Api.as(booted.stack.url, 'pier-fan');
    const uploaded = [];
    for (const [i, p] of piers.entries()) uploaded.push(await api.upload(p, { user_id: 'pier-fan', post_id: 1, picture_id: i + 1 }));
    for (const u of uploaded) await api.waitFor(u.file_name, ['approved'], 60_000);

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = collectErrors(page);
    await page.goto(`${booted.stack.url}/`);
    await page.getByLabel('User id').fill('pier-fan');
    await page.keyboard.press('Enter');
    await page.getByTestId('current-user').waitFor();
    await page.getByRole('link', { name: 'Search' }).click();
    await page.getByRole('button', { name: 'Add a label filter' }).click();
    await page.getByLabel('Label', { exact: true }).fill('pier');
    await page.getByLabel('Condition').selectOption('>');
    await page.getByLabel('Confidence (0–100)').fill('50');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByTestId('scan-summary').waitFor();
    expect(await page.getByTestId('scan-summary').textContent()).toMatch(/^50 images · user_id = pier-fan · pier > 50$/);
    expect(await page.locator('.results .thumbs > li').count()).toBe(48);
    const more = page.getByTestId('scan-load-more');
    expect(await more.textContent()).toContain('48 of 50 shown');
    await more.click();
    await page.waitForFunction(() => document.querySelectorAll('.results .thumbs > li').length === 50);
    expect(await more.count()).toBe(0); // the last page: no more to load
    // Best matches first: the highest Pier confidence leads, the lowest closes the second page.
    expect(await page.locator('.results .thumbs > li').first().getAttribute('data-testid')).toBe(`image-${uploaded[49]!.file_name}`);
    expect(await page.locator('.results .thumbs > li').last().getAttribute('data-testid')).toBe(`image-${uploaded[0]!.file_name}`);
    await screenshot(page, '10-search-load-more');
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('works from a static host on another origin (build + config.json + ALLOWED_ORIGINS), signing in with a pasted JWT', async () => {
    const page = await browser.newPage({ viewport: { width: 1024, height: 800 } });
    const errors = collectErrors(page);
    await page.goto(`${allowedHost.origin}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.getByLabel('User id').count()).toBe(0); // no local sign-in away from the local stack

    await page.getByLabel('JSON Web Token').fill(await mintToken('789'));
    await page.getByRole('button', { name: 'Sign in with this token' }).click();
    await page.getByTestId('current-user').waitFor();
    expect(await page.getByTestId('current-user').textContent()).toBe('user 789');

    await page.getByLabel('Post id').fill('12');
    await page.locator('#picture-files').setInputFiles(join(pictures, 'lake.png'));
    await page.getByRole('button', { name: 'Upload 1 picture' }).click();
    await finalPhase(page, 'lake.png');
    expect(await page.getByTestId('upload-lake.png').getAttribute('data-phase')).toBe('approved');

    await page.getByRole('link', { name: 'Gallery' }).click();
    await page.getByTestId(`image-789-${sha256(lake)}.png`).locator('img').waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('.thumbs img')].every((i) => i.complete && i.naturalWidth > 0));
    await screenshot(page, '09-static-host-gallery');
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows hashing progress for a large picture, hashed off the page thread', async () => {
    // 48 MB behind a PNG signature: the fixture detector only sniffs the first bytes.
    const big = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(48 * 1024 * 1024)]);
    await writeFile(join(pictures, 'large.png'), big);
    const page = await browser.newPage();
    const errors = collectErrors(page);
    const workers: string[] = [];
    page.on('worker', (w) => workers.push(w.url()));
    await page.goto(`${booted.stack.url}/`);
    await page.getByLabel('User id').fill('321');
    await page.getByRole('button', { name: 'Sign in as user 321' }).click();
    await page.getByLabel('Post id').fill('1');
    await page.locator('#picture-files').setInputFiles(join(pictures, 'large.png'));
    // Record what is painted, frame by frame (a string: the test's transpiler must not touch it).
    await page.evaluate(`(() => {
      window.painted = [];
      const frame = () => {
        const bar = document.querySelector('[data-testid="upload-large.png"] progress');
        if (bar) window.painted.push(bar.value);
        if (!bar || bar.value < 100) requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    })()`);
    await page.getByRole('button', { name: 'Upload 1 picture' }).click();
    await finalPhase(page, 'large.png');
    const painted = (await page.evaluate('window.painted')) as number[];
    // Progress is painted while the 48 MB are read and hashed, only ever forward, to 100. How smooth the page
    // stays is a timing, not asserted in a test; what keeps it smooth is asserted below: the hash runs in a worker.
    expect(painted.some((v) => v > 0 && v < 100)).toBe(true);
    expect(painted.every((v, i) => i === 0 || v >= painted[i - 1]!)).toBe(true);
    expect(painted.at(-1)).toBe(100);
    const row = page.getByTestId('upload-large.png');
    // A PNG signature followed by zeros: uploaded whole, then refused as not decodable, and the row says why.
    // (The exact code, invalid_image, is asserted by the analyzer and stack tests.)
    expect(await row.getAttribute('data-phase')).toBe('failed');
    // The row says why; the exact code (invalid_image) is asserted by the analyzer and stack tests.
    expect(await row.textContent()).toContain('Analysis failed: ');
    expect(workers.some((url) => url.includes('hash-worker'))).toBe(true); // hashed off the page's thread (Web Crypto in the worker)
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('says what is wrong when its origin is not in ALLOWED_ORIGINS, and refuses bad tokens clearly', async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${otherHost.origin}/`);
    await page.getByLabel('JSON Web Token').fill('not a token');
    await page.getByRole('button', { name: 'Sign in with this token' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('The token is not a JWT');
    // Read locally, before any request: an expired token says when it expired.
    await page.getByLabel('JSON Web Token').fill(await mintToken('789', { ttlSeconds: -3600 }));
    await page.getByRole('button', { name: 'Sign in with this token' }).click();
    expect(await page.getByRole('alert').textContent()).toMatch(/^The token expired at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(1 hour ago\); get a new one\.$/);

    await page.getByLabel('JSON Web Token').fill(await mintToken('789'));
    await page.getByRole('button', { name: 'Sign in with this token' }).click();
    await page.getByRole('alert').filter({ hasText: 'ALLOWED_ORIGINS' }).waitFor({ timeout: 20_000 });
    expect(await page.getByRole('alert').textContent()).toContain(`does its ALLOWED_ORIGINS include ${otherHost.origin}?`);
    await screenshot(page, '10-cors-refused');
    // The browser itself reports the blocked requests; nothing else may fail.
    expect(errors.filter((e) => !/CORS policy|Failed to load resource|ERR_FAILED/.test(e))).toEqual([]);
    await page.close();

    const local = await browser.newPage();
    const localErrors = collectErrors(local);
    await local.goto(`${booted.stack.url}/`);
    await local.getByLabel('JSON Web Token').fill(await mintToken('789', { secret: 'another-secret-of-16+chars' }));
    await local.getByRole('button', { name: 'Sign in with this token' }).click();
    await local.getByRole('alert').waitFor();
    expect(await local.getByRole('alert').textContent()).toMatch(
      /^The API refused the token\. The token reads well \(user 789, valid until .+\), so its signature was refused: it was signed with another secret than the API's JWT_SECRET.*\. Sign in again\.$/,
    );
    expect(localErrors.filter((e) => !/status of 401/.test(e))).toEqual([]);
    await local.close();
  }, 60_000);
});
