/**
 * What `npm start` prints, in the manner of `sam local` / LocalStack: one line per request,
 * a WARN line per analysis retry or failure, and the stack's own notices — plain text for a
 * person at a terminal. The functions' own Powertools loggers keep writing their JSON lines
 * (what CloudWatch would hold); both honour LOG_LEVEL.
 */
import { createColors } from 'picocolors';
import type { AccessLogEntry } from './gateway/types.js';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface TerminalLog {
  readonly level: LogLevel;
  request(e: AccessLogEntry): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string, cause?: unknown): void;
}

export interface TerminalLogOptions {
  level?: LogLevel;
  /** Where lines go (default: stdout for debug/info, stderr for warn/error). */
  out?: (line: string) => void;
  err?: (line: string) => void;
  /** Colour codes in the output (default: only on a terminal and without NO_COLOR). */
  color?: boolean;
  now?: () => Date;
}

/** LOG_LEVEL as Powertools reads it (DEBUG, INFO, WARN, ERROR, SILENT; any case); unknown → info. */
export const parseLogLevel = (raw: string | undefined): LogLevel => {
  const v = raw?.trim().toLowerCase();
  if (v === 'warning') return 'warn';
  if (v === 'critical') return 'error';
  return (LOG_LEVELS as readonly string[]).includes(v ?? '') ? (v as LogLevel) : 'info';
};

/** NO_COLOR (https://no-color.org: any non-empty value) turns colour off; otherwise only on a TTY. */
export const colorWanted = (stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean =>
  !!stream.isTTY && !env.NO_COLOR && env.TERM !== 'dumb';

const rank = (l: LogLevel) => LOG_LEVELS.indexOf(l);

const clock = (d: Date) => d.toTimeString().slice(0, 8) + '.' + String(d.getMilliseconds()).padStart(3, '0');

type Style = 'dim' | 'red' | 'yellow' | 'cyan' | 'green' | 'blue';
const statusStyle = (status: number): Style => (status >= 500 ? 'red' : status >= 400 ? 'yellow' : status >= 300 ? 'cyan' : 'green');

/** `12:03:04.123 GET    /scan                     200    12 ms  user=456` */
export const formatRequest = (e: AccessLogEntry, paint: (s: Style, t: string) => string = (_s, t) => t): string => {
  // A file name's 64-hex hash shortened, so a line stays readable: /images/456-3fa4c1d2…91c2.png
  const short = e.path.replace(/-([0-9a-f]{8})[0-9a-f]{52}([0-9a-f]{4})\./, '-$1…$2.');
  const path = short.length > 60 ? `${short.slice(0, 57)}...` : short;
  return [
    paint('dim', clock(e.at)),
    e.method.padEnd(6),
    path.padEnd(30),
    paint(statusStyle(e.status), String(e.status)),
    `${String(Math.round(e.ms)).padStart(5)} ms`,
    e.user !== undefined ? ` user=${e.user}` : '',
  ]
    .join(' ')
    .trimEnd();
};

const describeCause = (cause: unknown): string => {
  if (cause === undefined) return '';
  if (cause instanceof Error) return `: ${cause.name === 'Error' ? '' : `${cause.name}: `}${cause.message}`;
  return `: ${String(cause)}`;
};

export const createTerminalLog = (o: TerminalLogOptions = {}): TerminalLog => {
  const level = o.level ?? 'info';
  const color = o.color ?? (colorWanted(process.stdout) && colorWanted(process.stderr));
  const colors = createColors(color);
  const paint = (s: Style, t: string) => colors[s](t);
  const out = o.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = o.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  const now = o.now ?? (() => new Date());
  const enabled = (l: LogLevel) => rank(l) >= rank(level) && level !== 'silent';
  const line = (tag: string, style: Style, message: string) => `${paint('dim', clock(now()))} ${paint(style, tag)} ${message}`;
  return {
    level,
    request: (e) => {
      if (enabled('info')) out(formatRequest(e, paint));
    },
    debug: (m) => {
      if (enabled('debug')) out(line('DEBUG', 'dim', m));
    },
    info: (m) => {
      if (enabled('info')) out(line('INFO ', 'blue', m));
    },
    warn: (m) => {
      if (enabled('warn')) err(line('WARN ', 'yellow', m));
    },
    error: (m, cause) => {
      if (enabled('error')) err(line('ERROR', 'red', `${m}${describeCause(cause)}`));
    },
  };
};
