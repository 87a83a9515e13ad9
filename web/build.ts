/**
 * Builds the web console when its build is missing or older than its sources:
 * `npm start` runs this first (`prestart`), and the browser tests call `ensureWebBuild()`.
 *
 *   tsx web/build.ts            build if stale
 *   tsx web/build.ts --force    always build
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
export const WEB_DIST = join(repo, 'web', 'dist');
const SOURCES = ['web/index.html', 'web/vite.config.ts', 'web/src', 'web/public', 'client/src', 'package-lock.json'];

const newestMtime = async (path: string): Promise<number> => {
  const s = await stat(path).catch(() => undefined);
  if (!s) return 0;
  if (!s.isDirectory()) return s.mtimeMs;
  const entries = await readdir(path);
  const times = await Promise.all(entries.map((e) => newestMtime(join(path, e))));
  return Math.max(s.mtimeMs, ...times);
};

/** True when `web/dist/index.html` is missing or older than any source of the console. */
export const isWebBuildStale = async (): Promise<boolean> => {
  const built = await stat(join(WEB_DIST, 'index.html')).catch(() => undefined);
  if (!built) return true;
  const newest = Math.max(...(await Promise.all(SOURCES.map((s) => newestMtime(join(repo, s))))));
  return newest > built.mtimeMs;
};

/** Builds `web/dist` with Vite when stale (or always, with `force`); resolves to whether it built. */
export const ensureWebBuild = async ({ force = false } = {}): Promise<boolean> => {
  if (!force && !(await isWebBuildStale())) return false;
  const { build } = await import('vite');
  await build({ configFile: join(repo, 'web', 'vite.config.ts'), mode: 'production' });
  return true;
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const built = await ensureWebBuild({ force: process.argv.includes('--force') });
  if (!built) process.stdout.write('web console: web/dist is up to date\n');
}
