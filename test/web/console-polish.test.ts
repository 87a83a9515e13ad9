/**
 * Console polish (Chromium): an error clears once its field is fixed; a GIF neither counts in
 * "Upload N pictures" nor takes a picture id; a download button; a deep link per image; the
 * moderation reason; the local detector's labels suggested in search.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knownLabels } from '../../src/adapters/local-label-detector/taxonomy.js';
import { createConsole, localConsole } from '../../src/local/console.js';
import { ensureWebBuild, WEB_DIST } from '../../web/build.js';
import { sha256, solidPng } from '../helpers/images.js';
import { bootStack, type Booted } from '../helpers/stack-harness.js';
import { collectErrors, launchChromium, screenshot } from '../helpers/browser.js';

const beach = solidPng([238, 214, 161], 96, 64);
const FIXTURE = { [sha256(beach)]: [{ name: 'Beach', confidence: 97.5, parents: ['Nature'] }] };

const signIn = async (page: Page, user: string) => {
  await page.getByLabel('User id').fill(user);
  await page.getByRole('button', { name: `Sign in as user ${user}` }).click();
  await page.getByTestId('current-user').waitFor();
};

describe('console polish (Chromium)', () => {
  let browser: Browser;
  let booted: Booted;
  let pictures: string;
  let labelsHost: { server: Server; origin: string };

  beforeAll(async () => {
    browser = await launchChromium();
    await ensureWebBuild();
    pictures = await mkdtemp(join(tmpdir(), 'travellog-polish-'));
    await writeFile(join(pictures, 'beach.png'), beach);
    await writeFile(join(pictures, 'anim.gif'), Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(64)]));
    // A static host whose config.json carries the local detector's labels, as the local stack's does with LABEL_DETECTOR=local.
    const config = { apiUrl: '', knownLabels: { detector: 'local', labels: knownLabels() } };
    const serve = createConsole({ dir: WEB_DIST, config });
    const server = createServer((req, res) => void serve(req, res).then((done) => (done ? undefined : res.writeHead(404).end())));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    labelsHost = { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
    booted = await bootStack({ fixture: FIXTURE, env: { ALLOWED_ORIGINS: labelsHost.origin } });
    config.apiUrl = booted.stack.url; // read on each request for config.json
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await booted?.stack.stop();
    labelsHost?.server.close();
    await Promise.all([pictures, booted?.dataDir].filter((d): d is string => !!d).map((d) => rm(d, { recursive: true, force: true })));
  });

  it('clears a fixed error at once, skips a GIF in the count and the picture ids, downloads, links to an image, shows why it was moderated', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const errors = collectErrors(page);
    const url = booted.stack.url;
    await page.goto(`${url}/`);
    await signIn(page, '456');

    // "Post id is required." goes as soon as the field is filled — no second submit needed.
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const required = page.getByText('Post id is required.');
    await required.waitFor();
    await page.getByLabel('Post id').fill('7');
    await required.waitFor({ state: 'detached' });

    // A GIF is listed as refused, is not counted, and takes no picture id.
    await page.locator('#picture-files').setInputFiles([join(pictures, 'anim.gif'), join(pictures, 'beach.png')]);
    await page.getByRole('button', { name: 'Upload 1 picture' }).click();
    const beachRow = page.getByTestId('upload-beach.png');
    await page.waitForSelector('[data-testid="upload-beach.png"][data-phase="approved"]', { timeout: 30_000 });
    expect(await beachRow.textContent()).toContain('post 7 · picture 1');
    expect(await page.getByTestId('upload-anim.gif').getAttribute('data-phase')).toBe('error');
    expect(await page.getByLabel('First picture id').inputValue()).toBe('2');

    // Detail through its own URL; download the original; the moderation reason when the record has one.
    const file = `456-${sha256(beach)}.png`;
    await page.route(`**/images/${file}`, async (route) => {
      const res = await route.fetch();
      const record = await res.json();
      await route.fulfill({ response: res, json: { ...record, status: 'under_review', moderation: { label: 'Cat', confidence: 63.2, threshold: 50 } } });
    });
    await page.getByRole('link', { name: 'Gallery' }).click();
    await page.getByTestId(`image-${file}`).getByRole('button').click();
    const dialog = page.getByRole('dialog', { name: 'Image details' });
    await dialog.waitFor();
    await expect.poll(() => new URL(page.url()).hash).toBe(`#/image/${file}`);
    expect(await dialog.getByTestId('moderation-reason').textContent()).toMatch(/Why: Cat detected at 63\.2%, at or above the\s+review threshold of 50\./);
    const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByTestId('download').click()]);
    expect(download.suggestedFilename()).toBe(file);
    expect((await readFile((await download.path())!)).equals(beach)).toBe(true);
    await screenshot(page, '20-detail-download');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => new URL(page.url()).hash).toBe('#/gallery'); // page.url() follows history.replaceState a little later

    // The deep link opens the image in a fresh tab, once signed in.
    const other = await browser.newPage();
    const otherErrors = collectErrors(other);
    await other.goto(`${url}/#/image/${file}`);
    await signIn(other, '456');
    const opened = other.getByRole('dialog', { name: 'Image details' });
    await opened.waitFor();
    expect(await opened.textContent()).toContain(file);
    expect(otherErrors).toEqual([]);
    await other.close();

    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it("suggests the local detector's labels in search, and says it knows objects, not scenes", async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${labelsHost.origin}/`);
    const { mintToken } = await import('../../src/local/token.js');
    await page.getByLabel('JSON Web Token').fill(await mintToken('456'));
    await page.getByRole('button', { name: 'Sign in with this token' }).click();
    await page.getByTestId('current-user').waitFor();
    await page.getByRole('link', { name: 'Search' }).click();
    expect(await page.getByTestId('known-labels-hint').textContent()).toMatch(/knows \d+ object labels .* no scenes or places, so “beach” or “mountain” find nothing here/);
    const options = await page.locator('#known-labels option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(options).toEqual(expect.arrayContaining(['person', 'dog', 'animal', 'traffic light', 'vehicle']));
    expect(options).not.toContain('beach');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the local stack puts the labels in config.json only with its embedded detector', async () => {
    const config = async (env: Record<string, string>) => {
      const serve = localConsole({ JWT_SECRET: 'local-dev-secret-16', ...env }, WEB_DIST);
      const server = createServer((req, res) => void serve(req, res));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const body = await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/config.json`)).json();
      server.close();
      return body as { knownLabels?: { labels: string[] } };
    };
    expect((await config({ LABEL_DETECTOR: 'local' })).knownLabels?.labels).toContain('Person');
    expect((await config({ LABEL_DETECTOR: 'fixture:/x.json' })).knownLabels).toBeUndefined();
  });
});
