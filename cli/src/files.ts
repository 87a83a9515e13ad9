import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UsageError } from './errors.js';

const PICTURE = /\.(jpe?g|png)$/i;

/**
 * Files named on the command line, and the pictures (.jpg/.jpeg/.png; not hidden,
 * not in node_modules) under the directories named, recursively, in a stable order: each directory's
 * files sorted by name — so `--picture-start` numbers them the same every run.
 */
export const expandPaths = async (paths: readonly string[], cwd = process.cwd()): Promise<string[]> => {
  const out: string[] = [];
  const walk = async (dir: string) => {
    const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.') && e.name !== 'node_modules');
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && PICTURE.test(e.name)) out.push(p);
    }
  };
  for (const raw of paths) {
    const p = resolve(cwd, raw);
    const info = await stat(p).catch(() => undefined);
    if (!info) throw new UsageError(`No such file or directory: ${raw}`);
    if (info.isDirectory()) await walk(p);
    else out.push(p);
  }
  return out;
};
