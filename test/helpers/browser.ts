/**
 * Debian's Chromium driven by playwright-core (Playwright's own browser download
 * does not work on these machines). A missing browser is a failure that says how
 * to install it, never a skipped test.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SHOTS_DIR = join('test-results', 'web');

export const launchChromium = async (): Promise<Browser> => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}, so the web console cannot be tested. ` +
        'Install it as root with `apt-get update && apt-get install -y chromium` (.ci/run does), ' +
        'or point CHROMIUM_PATH at a Chromium/Chrome binary.',
    );
  }
  await mkdir(SHOTS_DIR, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
};

/** Everything the page logs as an error, and every uncaught exception, with where it came from. */
export const collectErrors = (page: Page): string[] => {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console.error: ${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  return errors;
};

export const screenshot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS_DIR, `${name}.png`), fullPage: true });
