import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pLimit from 'p-limit';
import { afterAll, describe, expect, it } from 'vitest';
import { solidPng } from '../helpers/images.js';
import { Api, bootStack, type Booted } from '../helpers/stack-harness.js';

const TERMINAL = ['approved', 'under_review', 'rejected', 'failed'];
const CHILD = new URL('./crash-child.ts', import.meta.url).pathname;

/** Starts the stack in a child process; resolves with its URL once it is up. */
const startChild = (dataDir: string, fixturePath: string) =>
  new Promise<{ child: ChildProcess; url: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, fixturePath], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`stack process exited early (${code})`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('{"url"')) resolve({ child, url: (JSON.parse(line) as { url: string }).url });
    });
  });

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

describe('durability of the local stack', () => {
  const children: ChildProcess[] = [];
  const stacks: Booted[] = [];
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await Promise.all(children.map(exited));
    await Promise.all(stacks.map((b) => b.stack.stop()));
  });

  it('every upload whose PUT got 200 reaches a terminal status after a SIGKILL and a restart on the same DATA_DIR', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'travellog-crash-'));
    const fixturePath = join(dataDir, 'labels.json');
    await writeFile(fixturePath, '{}');
    const first = await startChild(dataDir, fixturePath);
    children.push(first.child);
    first.child.removeAllListeners('exit');
    const api = await Api.as(first.url, '456');

    const acknowledged: string[] = [];
    const total = 60;
    const limit = pLimit(16);
    let killed = false;
    const uploads = Array.from({ length: total }, (_, i) =>
      limit(async () => {
        if (killed) return;
        const body = await api.upload(solidPng([i, 255 - i, (i * 7) % 256]), { user_id: 456, post_id: 1, picture_id: i + 1 });
        acknowledged.push(body.file_name);
        if (acknowledged.length >= total / 2 && !killed) {
          killed = true;
          first.child.kill('SIGKILL'); // uploads still in flight, messages still in the in-memory queue
        }
      }).catch(() => undefined), // requests cut by the kill: never acknowledged, so not counted
    );
    await Promise.all(uploads);
    await exited(first.child);
    expect(killed).toBe(true);
    expect(acknowledged.length).toBeGreaterThanOrEqual(total / 2);

    const second = await startChild(dataDir, fixturePath);
    children.push(second.child);
    second.child.removeAllListeners('exit');
    const again = await Api.as(second.url, '456');
    const statuses = await Promise.all(acknowledged.map(async (file) => (await again.waitFor(file, TERMINAL, 90_000)).status));
    expect(statuses.filter((s) => !TERMINAL.includes(s))).toEqual([]);
    expect(statuses.every((s) => s === 'approved')).toBe(true); // the fixture has no labels for them
  }, 180_000);

  it('a label detector that cannot be built: /health is 503 with the reason, and uploads fail with it at once', async () => {
    const booted = await bootStack({ labelDetector: 'fixture:/missing.json' });
    stacks.push(booted);
    const health = await new Api(booted.stack.url, undefined).call<{ status: string; label_detector: string; reason: string }>('GET', '/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'degraded', label_detector: 'failed' });
    expect(health.body.reason).toContain('/missing.json');
    const api = await Api.as(booted.stack.url, '456');
    const up = await api.upload(solidPng([9, 9, 9]), { user_id: 456 });
    const view = await api.waitFor(up.file_name, TERMINAL, 30_000);
    expect(view.status).toBe('failed');
    expect(view.failure_reason).toContain('/missing.json');
  });
});
