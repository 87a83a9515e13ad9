/**
 * What `npm start` prints: a line per request (with the user), a WARN per analysis retry and
 * failure with its reason, the start banner, and a plain message and exit code for a busy port.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shortFileName } from '../../src/local/analysis-log.js';
import { formatBanner } from '../../src/local/banner.js';
import { LOCAL_REGION } from '../../src/local/constants.js';
import { START_EXIT } from '../../src/local/start-failure.js';
import { createTerminalLog, formatRequest, parseLogLevel } from '../../src/local/terminal-log.js';
import { Api, bootStack, type Booted } from '../helpers/stack-harness.js';

const MAIN = fileURLToPath(new URL('../../src/local/main.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url));

describe('the local stack terminal output', () => {
  let booted: Booted;
  const out: string[] = [];
  const err: string[] = [];

  beforeAll(async () => {
    const log = createTerminalLog({ level: 'info', color: false, out: (l) => out.push(l), err: (l) => err.push(l) });
    booted = await bootStack({ log, maxReceiveCount: 2, visibilityTimeoutSeconds: 1 });
  });
  afterAll(() => booted?.stack.stop());

  it('prints one line per request: time, method, path, status, ms and the user', async () => {
    const api = await Api.as(booted.stack.url, '456');
    expect((await api.scan('post_id=7&secret=x')).status).toBe(400);
    expect((await new Api(booted.stack.url, undefined).scan()).status).toBe(401);
    await expect.poll(() => out.length).toBeGreaterThanOrEqual(2);
    expect(out[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} GET\s+\/scan\s+400\s+\d+ ms\s+user=456$/);
    expect(out[1]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} GET\s+\/scan\s+401\s+\d+ ms$/); // no user: the token was refused
    expect(out.join('\n')).not.toContain('secret=x'); // query strings stay out of the log
  });

  it('prints a WARN per failed analysis attempt with its reason, and says when the message goes to the DLQ', async () => {
    const sqs = new SQSClient({ region: LOCAL_REGION, credentials: booted.stack.credentials, endpoint: booted.stack.sqsEndpoint });
    await sqs.send(new SendMessageCommand({ QueueUrl: booted.stack.queueUrl, MessageBody: 'garbage, not an S3 notification' }));
    sqs.destroy();
    await expect.poll(() => err.filter((l) => l.includes('WARN')).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    const warns = err.filter((l) => l.includes('WARN'));
    expect(warns[0]).toMatch(/WARN\s+analysis of a message that is not JSON failed \(attempt 1 of 2\), retrying in 1 s — message \S+ is not JSON$/);
    expect(warns[1]).toMatch(/failed \(attempt 2 of 2\), gave up: the message goes to the DLQ — message \S+ is not JSON$/);
  });
});

describe('terminal log pieces', () => {
  it('formats a request line and honours LOG_LEVEL', () => {
    const at = new Date(2026, 0, 2, 3, 4, 5, 6);
    expect(formatRequest({ at, method: 'POST', path: '/receiver', status: 201, ms: 12.4, user: 'u1' })).toBe(
      `03:04:05.006 POST   /receiver                      201    12 ms  user=u1`,
    );
    expect(formatRequest({ at, method: 'GET', path: `/obtain/456-${'ab'.repeat(32)}.png`, status: 302, ms: 3, user: '456' })).toBe(
      `03:04:05.006 GET    /obtain/456-abababab…abab.png  302     3 ms  user=456`,
    );
    expect(parseLogLevel('WARN')).toBe('warn');
    expect(parseLogLevel('nonsense')).toBe('info');
    const lines: string[] = [];
    const log = createTerminalLog({ level: parseLogLevel('warn'), color: false, out: (l) => lines.push(l), err: (l) => lines.push(l) });
    log.request({ at, method: 'GET', path: '/scan', status: 200, ms: 1 });
    log.info('hidden');
    log.warn('shown');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/WARN\s+shown$/);
  });

  it('colours only when asked to', () => {
    const at = new Date();
    const lines: string[] = [];
    createTerminalLog({ color: true, out: (l) => lines.push(l) }).request({ at, method: 'GET', path: '/', status: 500, ms: 1 });
    createTerminalLog({ color: false, out: (l) => lines.push(l) }).request({ at, method: 'GET', path: '/', status: 500, ms: 1 });
    expect(lines[0]).toContain('\u001b[');
    expect(lines[1]).not.toContain('\u001b[');
  });

  it('shortens file names and lists every address in the banner', () => {
    expect(shortFileName(`456-${'ab'.repeat(32)}.png`)).toBe('456-abababab…abab.png');
    const banner = formatBanner({ url: 'http://127.0.0.1:3999', dataDir: '/d', labelDetector: 'local', detectorState: 'warming', logLevel: 'info', startedInMs: 1234 });
    for (const want of ['http://127.0.0.1:3999/docs', 'http://127.0.0.1:3999/openapi.json', 'Console    http://127.0.0.1:3999/', 'Data       /d', 'local (embedded model, loading', 'Webhook    off'])
      expect(banner).toContain(want);
    expect(banner).not.toContain('DLQ');
  });

  it('says when failed uploads wait in the DLQ, and how many REDRIVE_DLQ sent back', () => {
    const base = { url: 'http://127.0.0.1:3999', dataDir: '/d', labelDetector: 'local', logLevel: 'info', startedInMs: 1 };
    expect(formatBanner({ ...base, deadLetters: { redriven: 0, waiting: 0 } })).not.toContain('DLQ');
    expect(formatBanner({ ...base, deadLetters: { redriven: 0, waiting: 2 } })).toContain('DLQ        2 failed uploads waiting; REDRIVE_DLQ=true npm start analyses them again');
    expect(formatBanner({ ...base, deadLetters: { redriven: 1, waiting: 0 } })).toContain('DLQ        1 failed upload sent back for analysis (REDRIVE_DLQ)');
  });
});

describe('npm start on a busy port', () => {
  let busy: Server;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  });
  afterAll(() => new Promise<void>((r) => busy.close(() => r())));

  it('says so in plain words and exits with its own code (no EADDRINUSE stack)', async () => {
    const port = (busy.address() as AddressInfo).port;
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, [TSX, MAIN], { env: { ...process.env, PORT: String(port), DATA_DIR: '/nonexistent/never-created' }, timeout: 30_000 }, (e, stdout, stderr) =>
        resolve({ code: e ? (e.code as number) : 0, stdout, stderr }),
      ),
    );
    expect(run.code).toBe(START_EXIT.portInUse);
    expect(run.stderr).toContain(`Port ${port} is already in use`);
    expect(run.stderr).toContain(`PORT=${port + 1} npm start`);
    expect(run.stderr).not.toMatch(/EADDRINUSE|\n\s+at /);
  });
});
