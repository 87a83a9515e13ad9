/**
 * The web console on the local stack: its static build (`web/dist`, from `npm run build:web`)
 * at `/`, a runtime `/config.json` that points it at this stack, and — LOCAL ONLY — a
 * `POST /console/token` that mints a token for "sign in as user …". None of this is a Lambda
 * route: the gateway calls it as its `fallback`, for paths no API route matches.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Env } from '../config.js';
import { mintToken } from './token.js';

export type Fallback = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** Where `npm run build:web` writes the console. */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../web/dist/', import.meta.url));
export const TOKEN_PATH = '/console/token';

/** What the console reads from `config.json` (the build writes one for static hosts). */
export interface ConsoleConfig {
  /** The API's base URL; empty = the console's own origin. */
  apiUrl: string;
  /** Present only on the local stack: where "sign in as user …" mints a token. */
  localSignIn?: { endpoint: string };
}

export interface ConsoleOptions {
  /** The built console (default `web/dist`). */
  dir?: string;
  /** Serves `POST /console/token` when given: the stack's secret and the claim the authorizer reads first. */
  mint?: { secret: string; claim: string; ttlSeconds?: number };
  /** Overrides `/config.json` (default: the API on this origin, plus local sign-in when `mint` is set). */
  config?: ConsoleConfig;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
};

/** Pictures come from presigned S3 URLs on another loopback port; nothing else leaves the page. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data: http://127.0.0.1:* http://localhost:*",
  "connect-src 'self' http://127.0.0.1:* http://localhost:*",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

const PAGE_HEADERS = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

const LOOPBACK_HOST = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])(:\d{1,5})?$/;
const USER_ID = /^[A-Za-z0-9_-]{1,128}$/;
const MAX_TOKEN_BODY = 1024;

const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string>) => {
  res.writeHead(status, { ...headers, 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(body);
};
const sendJson = (res: ServerResponse, status: number, body: unknown) =>
  send(res, status, JSON.stringify(body), { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
const sendError = (res: ServerResponse, status: number, error: string, message: string) => sendJson(res, status, { error, message });

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>TravelLog console — not built</title>
<body style="font:16px/1.5 system-ui;max-width:40rem;margin:3rem auto;padding:0 1rem">
<h1>The web console is not built</h1><p>Run <code>npm run build:web</code> (or restart with <code>npm start</code>, which builds it), then reload.</p>
<p>The API itself is up: <a href="/health">/health</a>, <a href="/openapi.json">/openapi.json</a>.</p></body></html>`;

/** A file of `dir` for a URL path, or undefined (traversal, hidden files, not a file). */
const fileFor = async (dir: string, urlPath: string): Promise<{ path: string; size: number; mtime: Date } | undefined> => {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.split('/').some((s) => s.startsWith('.'))) return undefined;
  const path = resolve(dir, `.${decoded === '/' ? '/index.html' : decoded}`);
  if (!path.startsWith(dir.endsWith(sep) ? dir : dir + sep)) return undefined;
  const s = await stat(path).catch(() => undefined);
  return s?.isFile() ? { path, size: s.size, mtime: s.mtime } : undefined;
};

const readJson = async (req: IncomingMessage): Promise<unknown> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_TOKEN_BODY) throw new RangeError('too large');
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
};

/**
 * `POST /console/token` `{"user_id": "456"}` → `{token, user_id, expires_in}`. Only for this page:
 * a loopback Host (no DNS rebinding), a same-origin (or absent) Origin, and a JSON body, which a
 * cross-site form cannot send without a preflight this endpoint never answers.
 */
const mintEndpoint = async (req: IncomingMessage, res: ServerResponse, mint: NonNullable<ConsoleOptions['mint']>) => {
  const host = req.headers.host ?? '';
  if (!LOOPBACK_HOST.test(host)) return sendError(res, 403, 'forbidden', 'Local sign-in answers loopback requests only');
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) {
    return sendError(res, 403, 'forbidden', 'Local sign-in answers the console on this origin only');
  }
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    return sendError(res, 415, 'unsupported_media_type', 'Send the body as application/json');
  }
  let body: unknown;
  try {
    body = await readJson(req);
  } catch {
    return sendError(res, 400, 'invalid_json', `The body must be JSON {"user_id": "…"} of at most ${MAX_TOKEN_BODY} bytes`);
  }
  const raw = (body as { user_id?: unknown } | null)?.user_id;
  const userId = typeof raw === 'number' && Number.isSafeInteger(raw) ? String(raw) : raw;
  if (typeof userId !== 'string' || !USER_ID.test(userId)) {
    return sendError(res, 400, 'validation_error', 'user_id must be 1–128 letters, digits, "_" or "-"');
  }
  const ttlSeconds = mint.ttlSeconds ?? 3600;
  const token = await mintToken(userId, { secret: mint.secret, claim: mint.claim, ttlSeconds });
  return sendJson(res, 200, { token, user_id: userId, expires_in: ttlSeconds });
};

/** The gateway fallback serving the console (see the module comment). Returns false for anything else. */
export const createConsole = (o: ConsoleOptions = {}): Fallback => {
  const dir = resolve(o.dir ?? DEFAULT_CONSOLE_DIR);
  const config: ConsoleConfig = o.config ?? { apiUrl: '', ...(o.mint ? { localSignIn: { endpoint: TOKEN_PATH } } : {}) };
  return async (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    if (path === TOKEN_PATH && o.mint) {
      if (method !== 'POST') {
        sendError(res, 405, 'method_not_allowed', `Use POST ${TOKEN_PATH}`);
        return true;
      }
      await mintEndpoint(req, res, o.mint);
      return true;
    }
    if (method !== 'GET' && method !== 'HEAD') return false;
    if (path === '/config.json') {
      sendJson(res, 200, config);
      return true;
    }
    const file = await fileFor(dir, path === '/index.html' ? '/' : path);
    if (!file) {
      if (path !== '/' && path !== '/index.html') return false;
      send(res, 503, NOT_BUILT, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      return true;
    }
    const type = TYPES[extname(file.path)] ?? 'application/octet-stream';
    const hashed = path.startsWith('/assets/'); // Vite names these by content hash
    const headers: Record<string, string> = {
      'Content-Type': type,
      'Content-Length': String(file.size),
      'Last-Modified': file.mtime.toUTCString(),
      'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      ...(type.startsWith('text/html') ? PAGE_HEADERS : {}),
    };
    res.writeHead(200, headers);
    if (method === 'HEAD') {
      res.end();
      return true;
    }
    await new Promise<void>((done) => {
      const stream = createReadStream(file.path);
      stream.on('error', () => {
        res.destroy();
        done();
      });
      stream.on('end', done);
      stream.pipe(res);
    });
    return true;
  };
};

/** Several fallbacks, tried in order. */
export const chainFallbacks =
  (...fallbacks: Fallback[]): Fallback =>
  async (req, res) => {
    for (const f of fallbacks) if (await f(req, res)) return true;
    return false;
  };


const listOf = (v: string | undefined, def: string) => (v ?? def).split(',').map((s) => s.trim()).filter(Boolean);

/**
 * The console as the local stack serves it, from the functions' settings: local sign-in mints
 * HS256 tokens with `JWT_SECRET` and the first of `JWT_USER_CLAIMS` (offered only when
 * `JWT_ALGORITHMS` accepts HS256, so that every minted token passes the authorizer).
 */
export const localConsole = (env: Env, dir?: string): Fallback => {
  const secret = env.JWT_SECRET;
  const claim = listOf(env.JWT_USER_CLAIMS, 'user_id,sub')[0];
  const hs256 = listOf(env.JWT_ALGORITHMS, 'HS256').includes('HS256');
  return createConsole({ ...(dir ? { dir } : {}), ...(secret && claim && hs256 ? { mint: { secret, claim } } : {}) });
};
