/**
 * The web console on the local stack: its static build (`web/dist`, from `npm run build:web`)
 * at `/`, a runtime `/config.json` that points it at this stack, and — LOCAL ONLY — a
 * `POST /console/token` that mints a token for "sign in as user …". None of this is a Lambda
 * route: the gateway calls it as its `fallback`, for paths no API route matches.
 */
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import serveStatic from 'serve-static';
import { isValidUserId } from '../core/file-name.js';
import { AuthorizerConfig, readConfig, type Env } from '../config.js';
import { mintToken } from './token.js';
import { knownLabels as knownLabels_ } from '../adapters/local-label-detector/taxonomy.js';

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
  /** Local stack with LABEL_DETECTOR=local only: the labels its detector can report (search suggestions). */
  knownLabels?: { detector: string; labels: string[] };
}

export interface ConsoleOptions {
  /** The built console (default `web/dist`). */
  dir?: string;
  /** Serves `POST /console/token` when given: the stack's secret and the claim the authorizer reads first. */
  mint?: { secret: string; claim: string; ttlSeconds?: number };
  /** Overrides `/config.json` (default: the API on this origin, plus local sign-in when `mint` is set). */
  config?: ConsoleConfig;
  /** Added to the default `/config.json`: the detector's label list. */
  knownLabels?: ConsoleConfig['knownLabels'];
}

/** Pictures come from presigned S3 URLs on another loopback port; nothing else leaves the page. */
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'", // hash-wasm: SHA-256 in WebAssembly (no JS eval)
  "worker-src 'self'",
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
  if (typeof userId !== 'string' || !isValidUserId(userId)) {
    return sendError(res, 400, 'validation_error', 'user_id must be 1–128 letters, digits, "_" or "-"');
  }
  const ttlSeconds = mint.ttlSeconds ?? 3600;
  const token = await mintToken(userId, { secret: mint.secret, claim: mint.claim, ttlSeconds });
  return sendJson(res, 200, { token, user_id: userId, expires_in: ttlSeconds });
};

/** The gateway fallback serving the console (see the module comment). Returns false for anything else. */
export const createConsole = (o: ConsoleOptions = {}): Fallback => {
  const dir = resolve(o.dir ?? DEFAULT_CONSOLE_DIR);
  const config: ConsoleConfig = o.config ?? {
    apiUrl: '',
    ...(o.mint ? { localSignIn: { endpoint: TOKEN_PATH } } : {}),
    ...(o.knownLabels ? { knownLabels: o.knownLabels } : {}),
  };
  // serve-static: MIME types, HEAD, ETag/Last-Modified, traversal and dotfile refusal.
  const serve = serveStatic(dir, {
    index: ['index.html'],
    dotfiles: 'ignore',
    fallthrough: true,
    setHeaders: (res, file) => {
      res.setHeader('X-Content-Type-Options', 'nosniff');
      // Vite names assets by content hash: cache them for good, revalidate everything else.
      res.setHeader('Cache-Control', file.startsWith(join(dir, 'assets')) ? 'public, max-age=31536000, immutable' : 'no-cache');
      if (file.endsWith('.html')) for (const [k, v] of Object.entries(PAGE_HEADERS)) res.setHeader(k, v);
    },
  });
  /** True when served; false (nothing written) when there is no such file. */
  const serveFile = (req: IncomingMessage, res: ServerResponse) =>
    new Promise<boolean>((done) => {
      res.once('close', () => done(true));
      serve(req, res, () => done(false));
    });
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
    if ((path === '/' || path === '/index.html') && !existsSync(join(dir, 'index.html'))) {
      send(res, 503, NOT_BUILT, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      return true;
    }
    return serveFile(req, res);
  };
};

/** Several fallbacks, tried in order. */
export const chainFallbacks =
  (...fallbacks: Fallback[]): Fallback =>
  async (req, res) => {
    for (const f of fallbacks) if (await f(req, res)) return true;
    return false;
  };


/**
 * The console as the local stack serves it, from the functions' settings: local sign-in mints
 * HS256 tokens with `JWT_SECRET` and the first of `JWT_USER_CLAIMS` (offered only when
 * `JWT_ALGORITHMS` accepts HS256, so that every minted token passes the authorizer).
 */
export const localConsole = (env: Env, dir?: string): Fallback => {
  // The authorizer's own reading of its settings: a minted token always passes it.
  const jwt = readConfig(AuthorizerConfig, env);
  const mint = jwt.JWT_SECRET !== undefined && jwt.JWT_ALGORITHMS.includes('HS256') ? { secret: jwt.JWT_SECRET, claim: jwt.JWT_USER_CLAIMS[0]! } : undefined;
  // The embedded model knows COCO objects only: the console suggests them, so "beach" finding nothing is no surprise.
  const knownLabels = env.LABEL_DETECTOR === 'local' ? { detector: 'local', labels: knownLabels_() } : undefined;
  return createConsole({ ...(dir ? { dir } : {}), ...(mint ? { mint } : {}), ...(knownLabels ? { knownLabels } : {}) });
};
