import { createColors } from 'picocolors';

/** Where the CLI reads and writes: the process by default, buffers in tests. */
export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  /** The caller's directory: relative paths resolve against it. */
  cwd: string;
}

/**
 * The caller's directory. `npm run cli` runs in the repository's root, not where it was typed:
 * npm says where that was in INIT_CWD (only trusted for that script — a `travellog` started by
 * some other npm script runs where it was started).
 */
export const callerCwd = (env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string =>
  env.npm_lifecycle_event === 'cli' && env.INIT_CWD ? env.INIT_CWD : cwd;

export const processIo = (): Io => ({ stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: callerCwd() });

/**
 * Colour on a stream: never with NO_COLOR (any value, no-color.org) or --no-color; forced by
 * FORCE_COLOR (not "0"); otherwise only on a terminal that is not "dumb".
 */
export const colorsFor = (stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, flag = true) => {
  const on = flag && !env.NO_COLOR && (env.FORCE_COLOR !== undefined ? env.FORCE_COLOR !== '0' : !!stream.isTTY && env.TERM !== 'dumb');
  return createColors(on);
};
export type Colors = ReturnType<typeof colorsFor>;

/** Columns to fit: the terminal's width, else 80 (pipes, files, CI logs). */
export const widthOf = (stream: { isTTY?: boolean; columns?: number }): number => (stream.isTTY && stream.columns ? stream.columns : 80);
