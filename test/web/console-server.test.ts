/**
 * The console's server side on the local stack (src/local/console.ts): static files with safe
 * headers, the runtime config.json, and the LOCAL-ONLY token endpoint — which exists in no
 * Lambda handler and not in the CloudFormation template.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsole, localConsole, TOKEN_PATH, type Fallback } from '../../src/local/console.js';
import { bootStack, type Booted } from '../helpers/stack-harness.js';

const serve = async (fallback: Fallback): Promise<{ server: Server; url: string }> => {
  const server = createServer((req, res) => {
    void fallback(req, res).then((done) => {
      if (!done) res.writeHead(418).end('not mine');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
};

describe('console static files and config (createConsole)', () => {
  let dir: string;
  let site: { server: Server; url: string };
  let unbuilt: { server: Server; url: string };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'travellog-console-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>x</title>');
    await writeFile(join(dir, 'assets', 'index-abc123.js'), 'export {};');
    await writeFile(join(dir, '.secret'), 'hidden');
    await writeFile(join(dir, 'config.json'), '{"apiUrl":"https://static.example"}');
    site = await serve(createConsole({ dir, mint: { secret: 'a-secret-of-16-chars!', claim: 'user_id' } }));
    unbuilt = await serve(createConsole({ dir: join(dir, 'missing') }));
  });
  afterAll(async () => {
    site?.server.close();
    unbuilt?.server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves index.html at / with a CSP and no caching, and hashed assets as immutable', async () => {
    const page = await fetch(`${site.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const js = await fetch(`${site.url}/assets/index-abc123.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${site.url}/index.html`, { method: 'HEAD' })).status).toBe(200);
  });

  it('answers its own config.json on the local stack (the API on this origin, local sign-in offered)', async () => {
    const res = await fetch(`${site.url}/config.json`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ apiUrl: '', localSignIn: { endpoint: TOKEN_PATH } });
    const plain = await serve(createConsole({ dir }));
    expect(await (await fetch(`${plain.url}/config.json`)).json()).toEqual({ apiUrl: '' });
    plain.server.close();
  });

  it('leaves everything else to the gateway: unknown paths, traversal, hidden files, other methods', async () => {
    for (const path of ['/nope', '/assets/missing.js', '/..%2Fpackage.json', '/%2e%2e/package.json', '/.secret', '/%00']) {
      expect(await (await fetch(`${site.url}${path}`)).text(), path).toBe('not mine');
    }
    expect((await fetch(`${site.url}/`, { method: 'DELETE' })).status).toBe(418);
  });

  it('says how to build the console when it is not built', async () => {
    const res = await fetch(`${unbuilt.url}/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build:web');
    expect((await fetch(`${unbuilt.url}/assets/x.js`)).status).toBe(418);
  });
});

describe('local sign-in endpoint (POST /console/token) on the local stack', () => {
  let booted: Booted;
  beforeAll(async () => {
    booted = await bootStack();
  });
  afterAll(async () => {
    await booted?.stack.stop();
    if (booted) await rm(booted.dataDir, { recursive: true, force: true });
  });

  const mint = (body: unknown, headers: Record<string, string> = { 'Content-Type': 'application/json' }) =>
    fetch(`${booted.stack.url}${TOKEN_PATH}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('mints a token the authorizer accepts, for the user asked', async () => {
    const res = await mint({ user_id: '456' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { token: string; user_id: string; expires_in: number };
    expect(body).toMatchObject({ user_id: '456', expires_in: 3600 });
    const scan = await fetch(`${booted.stack.url}/scan`, { headers: { Authorization: `Bearer ${body.token}` } });
    expect(scan.status).toBe(200);
    expect(await scan.json()).toMatchObject({ grouping: 'user_id', grouping_id: '456' });
  });

  it('refuses other methods, non-JSON bodies, bad user ids, foreign origins and non-loopback hosts', async () => {
    expect((await fetch(`${booted.stack.url}${TOKEN_PATH}`)).status).toBe(405);
    expect((await mint('user_id=456', { 'Content-Type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await mint('{oops')).status).toBe(400);
    expect((await mint({ user_id: '../../etc' })).status).toBe(400);
    expect((await mint({ user_id: 'x'.repeat(2000) })).status).toBe(400);
    const foreign = await mint({ user_id: '456' }, { 'Content-Type': 'application/json', Origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toEqual({ error: 'forbidden', message: 'Local sign-in answers the console on this origin only' });
    expect((await mint({ user_id: '456' }, { 'Content-Type': 'application/json', Origin: booted.stack.url })).status).toBe(200);
    // DNS rebinding: a page of attacker.example resolved to 127.0.0.1 (fetch cannot set Host; node:http can).
    const rebound = await new Promise<number>((resolve, reject) => {
      const { port } = new URL(booted.stack.url);
      const req = request({ host: '127.0.0.1', port, path: TOKEN_PATH, method: 'POST', headers: { Host: 'attacker.example', 'Content-Type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(JSON.stringify({ user_id: '456' }));
    });
    expect(rebound).toBe(403);
  });

  it('is not offered when the authorizer does not accept HS256 tokens', async () => {
    const site = await serve(localConsole({ JWT_SECRET: 'a-secret-of-16-chars!', JWT_ALGORITHMS: 'HS512' }));
    expect(await (await fetch(`${site.url}/config.json`)).json()).toEqual({ apiUrl: '' });
    expect((await fetch(`${site.url}${TOKEN_PATH}`, { method: 'POST' })).status).toBe(418);
    site.server.close();
  });

  it('exists in no Lambda handler and not in the CloudFormation template', async () => {
    const handlers = await readdir('src/handlers');
    for (const f of handlers) {
      const code = await readFile(join('src/handlers', f), 'utf8');
      expect(code, f).not.toMatch(/console\/token|mintToken|local\/console/);
    }
    const template = await readFile('serverless/infrastructure.yaml', 'utf8');
    expect(template).not.toContain('console/token');
    expect(template).not.toContain('mintToken');
  });
});
