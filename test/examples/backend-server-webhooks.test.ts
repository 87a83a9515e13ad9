import type { Server } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../examples/backend-server/src/app.js';
import { Store } from '../../examples/backend-server/src/db.js';
import { WebhookSender } from '../../src/adapters/webhook-sender.js';
import { analysedEvent, deletedEvent, webhookBody, type OutgoingEvent } from '../../src/core/image-events.js';
import { newWebhookSecret } from '../helpers/webhook-receiver.js';

/** The example's webhook route, fed by the backend-serverless's own sender over real HTTP. */
describe('example backend-server: POST /webhooks/travellog', () => {
  const secret = newWebhookSecret();
  let store: Store;
  let server: Server;
  let url: string;
  const fileName = (n: number) => `456-${String(n).repeat(64)}.jpg`;
  const picture = async (n: number) => {
    const post = await store.createPost({ user_id: '456', trip_id: 3, location_id: null, content: 'x' });
    const row = await store.createPicture({ post_id: post.id, user_id: '456', original_name: `${n}.jpg`, content_type: 'image/jpeg', size: 1 });
    await store.setFileName(row.id, fileName(n));
    return row.id;
  };
  const analysed = (n: number, status: 'approved' | 'rejected' | 'failed', at = '2026-11-29T22:00:00.000Z'): OutgoingEvent =>
    analysedEvent({ file_name: fileName(n), user_id: '456', status, rekognition_results: [], failure_reason: 'invalid_image', updated_at: at }, [])!;
  const post = (e: OutgoingEvent, headers: Record<string, string> = {}, body = webhookBody(e.event)) =>
    fetch(url, { method: 'POST', body, headers: { ...new WebhookSender({ url, secret }).headers({ id: e.id, body: webhookBody(e.event) }), ...headers } });

  beforeAll(async () => {
    store = await Store.open();
    server = await new Promise((resolve) => {
      const s = createApp({ store, apiUrl: 'http://127.0.0.1:1', jwtSecret: 'x'.repeat(16), webhookSecret: secret }).listen(0, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/webhooks/travellog`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await store.close();
  });

  it('approved: the picture takes the status and stays shown', async () => {
    const id = await picture(1);
    const res = await new WebhookSender({ url, secret }).send({ id: analysed(1, 'approved').id, body: webhookBody(analysed(1, 'approved').event) });
    expect(res).toEqual({ delivered: true, status: 200 });
    expect(store.picture(id)).toMatchObject({ status: 'approved', hidden: 0 });
  });

  it('rejected: hidden from its post; a retry of the same delivery is acknowledged and not applied twice', async () => {
    const id = await picture(2);
    const e = analysed(2, 'rejected');
    const first = await post(e);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ applied: true });
    expect(store.picture(id)).toMatchObject({ status: 'rejected', hidden: 1 });
    // Someone un-hides it by hand; the retried delivery (same webhook-id) must not hide it again.
    await store.applyWebhook('manual-fix', { user_id: '456', file_name: fileName(2), status: 'approved', hidden: false });
    const again = await post(e);
    expect(await again.json()).toEqual({ applied: false });
    expect(store.picture(id)).toMatchObject({ status: 'approved', hidden: 0 });
  });

  it('deleted: hidden', async () => {
    const id = await picture(3);
    const e = deletedEvent({ file_name: fileName(3), user_id: '456', created_at: 'c' }, [], '2026-11-29T23:00:00.000Z');
    expect((await post(e)).status).toBe(200);
    expect(store.picture(id)).toMatchObject({ status: 'deleted', hidden: 1 });
  });

  it('refuses (401) a tampered body, timestamp or signature, a stale timestamp and a wrong secret, changing nothing', async () => {
    const id = await picture(4);
    const e = analysed(4, 'rejected');
    const body = webhookBody(e.event);
    const good = new WebhookSender({ url, secret }).headers({ id: e.id, body });
    const stale = new Date(Date.now() - 6 * 60_000);
    const attempts: [Record<string, string>, string][] = [
      [good, body.replace('rejected', 'approved')],
      [{ ...good, 'webhook-timestamp': String(Number(good['webhook-timestamp']) + 1) }, body],
      [{ ...good, 'webhook-signature': good['webhook-signature']!.slice(0, -4) + 'AAA=' }, body],
      [{ ...good, 'webhook-timestamp': String(Math.floor(stale.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(e.id, stale, body) }, body],
      [new WebhookSender({ url, secret: newWebhookSecret() }).headers({ id: e.id, body }), body],
      [{ 'content-type': 'application/json' }, body],
    ];
    for (const [headers, b] of attempts) {
      const res = await fetch(url, { method: 'POST', body: b, headers });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: 'invalid_signature' });
    }
    expect(store.picture(id)).toMatchObject({ status: null, hidden: 0 });
  });
});
