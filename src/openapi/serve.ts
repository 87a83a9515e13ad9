import type { IncomingMessage, ServerResponse } from 'node:http';
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
