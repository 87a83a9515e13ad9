/**
 * A Chromium driven by playwright-core (Playwright's own browser download does not work on
 * these machines). Found, in order: `CHROMIUM_PATH`; a system Chrome/Chromium; else the Linux
 * build shipped inside the `@sparticuz/chromium` npm package (a dev dependency, so `npm ci`
 * is enough). A missing browser is a failure that says what to install, never a skipped test.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const SHOTS_DIR = join('test-results', 'web');

const SYSTEM_BROWSERS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];
const PACKAGED_VERSION = '153.0.0'; // @sparticuz/chromium, pinned in package.json
const PACKAGED_DIR = resolve('node_modules', '.cache', 'travellog-chromium', PACKAGED_VERSION);

const HOW_TO_INSTALL =
  'Set CHROMIUM_PATH to a Chrome/Chromium binary, or install one: on macOS Google Chrome ' +
  '(or `brew install --cask chromium`), on Debian/Ubuntu `apt-get install chromium`. ' +
  'On Linux x64/arm64 `npm ci` alone is enough (the @sparticuz/chromium dev dependency).';

/**
 * Unpacks the packaged build once into node_modules/.cache. Test files run in parallel
 * processes: each unpacks into its own directory and renames it into place, so none ever
 * sees a half-written browser.
 */
async function packagedChromium(): Promise<string> {
  const binary = join(PACKAGED_DIR, 'chromium');
  if (existsSync(binary)) return binary;
  const { default: Packaged } = await import('@sparticuz/chromium');
  await mkdir(resolve(PACKAGED_DIR, '..'), { recursive: true });
  const staging = await mkdtemp(`${PACKAGED_DIR}.tmp-`);
  const tmpdir = process.env.TMPDIR;
  process.env.TMPDIR = staging; // the package unpacks into os.tmpdir()
  try {
    await Packaged.executablePath();
  } finally {
    if (tmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmpdir;
  }
  await rename(staging, PACKAGED_DIR).catch(() => rm(staging, { recursive: true, force: true })); // another process won
  return binary;
}

export async function findChromium(): Promise<string> {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH=${configured} does not exist. ${HOW_TO_INSTALL}`);
    return configured;
  }
  const system = SYSTEM_BROWSERS.find((path) => existsSync(path));
  if (system) return system;
  if (process.platform === 'linux' && (process.arch === 'x64' || process.arch === 'arm64')) return packagedChromium();
  throw new Error(`No Chrome/Chromium found for the web console tests (${process.platform}/${process.arch}). ${HOW_TO_INSTALL}`);
}

/** `extraArgs`: more command-line switches (e.g. `--host-resolver-rules` to reach a local server under another name). */
export const launchChromium = async (extraArgs: string[] = []): Promise<Browser> => {
  const executablePath = await findChromium();
  await mkdir(SHOTS_DIR, { recursive: true });
  return chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
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
