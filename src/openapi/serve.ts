import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { assetPath, DOCS_INIT_JS, docsPage, SWAGGER_UI_ASSETS } from './docs-page.js';
import { openApiDocument } from './document.js';

const LOOPBACK_HOST = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])(:\d{1,5})?$/;

/**
 * The local gateway's `fallback` for `GET /openapi.json`: the document, public
 * (no token, any origin), with the stack's own address as the first server.
 * Returns false for anything else, so the gateway answers its JSON 404.
 */
export const serveOpenApi = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
  const path = (req.url ?? '/').split('?')[0];
  if (path !== '/openapi.json' || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  const host = req.headers.host ?? '';
  const self = LOOPBACK_HOST.test(host) ? [{ url: `http://${host}`, description: 'This local stack' }] : [];
  const body = JSON.stringify({ ...openApiDocument, servers: [...self, ...openApiDocument.servers] }, null, 2);
  res.writeHead(200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Access-Control-Allow-Origin': '*',
    'Cache-Control': 'no-cache',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
};

const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'", // Swagger UI sets style attributes
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self' http://127.0.0.1:* http://localhost:*", // "Try it out" against this stack
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

const DOCS_TYPES: Record<string, string> = { css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8', png: 'image/png' };

/**
 * The local gateway's `fallback` for `GET /docs`: the interactive API reference of
 * `/openapi.json` (src/openapi/docs-page.ts), public like the document, offline (the assets
 * come from the swagger-ui-dist package). Returns false for anything else.
 */
export const serveDocs = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (path !== '/docs' && !path.startsWith('/docs/')) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const send = (status: number, body: string | Buffer, headers: Record<string, string>) => {
    res.writeHead(status, { 'X-Content-Type-Options': 'nosniff', 'Content-Length': String(Buffer.byteLength(body)), ...headers });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
  if (path === '/docs') {
    res.writeHead(308, { Location: '/docs/', 'Content-Length': '0' });
    res.end();
    return true;
  }
  const name = path.slice('/docs/'.length);
  if (name === '' || name === 'index.html') {
    const page = docsPage({ base: '/docs/', openApiUrl: '/openapi.json', tryIt: true });
    return send(200, page, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache', 'Content-Security-Policy': DOCS_CSP, 'Referrer-Policy': 'no-referrer' });
  }
  if (name === 'docs-init.js') return send(200, DOCS_INIT_JS, { 'Content-Type': DOCS_TYPES.js!, 'Cache-Control': 'no-cache' });
  const asset = SWAGGER_UI_ASSETS.find((a) => a === name);
  if (!asset) return false;
  const body = await readFile(assetPath(asset));
  return send(200, body, { 'Content-Type': DOCS_TYPES[asset.split('.').pop()!]!, 'Cache-Control': 'public, max-age=86400' });
};
