import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WebhookSender } from '../../src/adapters/webhook-sender.js';
import { analysedEvent, deletedEvent, webhookBody } from '../../src/core/image-events.js';
import { newWebhookSecret } from '../helpers/webhook-receiver.js';

const BIN = fileURLToPath(new URL('../../cli/bin/travellog.js', import.meta.url));
const PORT = 3151;

describe('travellog listen (spawned)', () => {
  it('prints verified events, refuses a tampered one with 401, and exits after --count', async () => {
    const secret = newWebhookSecret();
    const child = spawn(process.execPath, [BIN, 'listen', '--port', String(PORT), '--count', '2', '--json'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, WEBHOOK_SECRET: secret },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const ready = new Promise<void>((resolve) =>
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
        if (stderr.includes('listening')) resolve();
      }),
    );
    const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
    await ready;
    expect(stderr).not.toContain(secret);
    const url = `http://127.0.0.1:${PORT}/`;
    const rejected = analysedEvent(
      { file_name: `7-${'d'.repeat(64)}.jpg`, user_id: '7', status: 'rejected', rekognition_results: [{ name: 'Cat', confidence: 95, parents: ['Animal'] }], updated_at: '2026-11-29T22:00:00.000Z' },
      [{ post_id: 1, picture_id: 2, trip_id: null, location_id: null, content: '' }],
    )!;
    const deleted = deletedEvent({ file_name: `7-${'d'.repeat(64)}.jpg`, user_id: '7', created_at: 'c' }, [], '2026-11-29T23:00:00.000Z');
    const sender = new WebhookSender({ url, secret });
    expect(await sender.send({ id: rejected.id, body: webhookBody(rejected.event) })).toEqual({ delivered: true, status: 204 });
    const tampered = await fetch(url, { method: 'POST', headers: sender.headers({ id: deleted.id, body: webhookBody(deleted.event) }), body: webhookBody(rejected.event) });
    expect(tampered.status).toBe(401);
    expect(await sender.send({ id: deleted.id, body: webhookBody(deleted.event) })).toEqual({ delivered: true, status: 204 });
    expect(await exited).toBe(0);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      { webhook_id: rejected.id, ...rejected.event },
      { webhook_id: deleted.id, ...deleted.event },
    ]);
    expect(stderr).toMatch(/refused a webhook .*No matching signature/);
  });

  it('without WEBHOOK_SECRET: a usage error', async () => {
    const child = spawn(process.execPath, [BIN, 'listen', '--port', String(PORT + 1)], { env: { PATH: process.env.PATH } });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    expect(await new Promise((r) => child.on('exit', r))).toBe(2);
    expect(stderr).toMatch(/WEBHOOK_SECRET/);
  });
});
