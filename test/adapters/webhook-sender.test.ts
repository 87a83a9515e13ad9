import { afterEach, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../client/src/index.js';
import { WebhookSender } from '../../src/adapters/webhook-sender.js';
import { newWebhookSecret, startWebhookReceiver } from '../helpers/webhook-receiver.js';

const body = JSON.stringify({ type: 'image.deleted', timestamp: '2026-11-29T22:00:00.000Z', data: { file_name: 'f', user_id: '1', posts: [] } });
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});
const receiver = async (answer?: Parameters<typeof startWebhookReceiver>[0]) => {
  const r = await startWebhookReceiver(answer);
  closers.push(r.close);
  return r;
};

describe('WebhookSender (real HTTP on loopback)', () => {
  it('POSTs the exact body with Standard Webhooks headers the receiver verifies', async () => {
    const r = await receiver();
    const secret = newWebhookSecret();
    const outcome = await new WebhookSender({ url: r.url, secret }).send({ id: 'msg_abc', body });
    expect(outcome).toEqual({ delivered: true, status: 204 });
    const [got] = r.received;
    expect(got!.body).toBe(body);
    expect(got!.headers['content-type']).toBe('application/json');
    expect(got!.headers['webhook-id']).toBe('msg_abc');
    expect(got!.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);
    expect(Math.abs(Number(got!.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    expect(verifyWebhook(got!.headers, got!.body, secret).type).toBe('image.deleted');
  });

  it('the same id on every attempt', async () => {
    const r = await receiver((n) => (n === 1 ? 500 : 200));
    const sender = new WebhookSender({ url: r.url, secret: newWebhookSecret() });
    expect((await sender.send({ id: 'msg_same', body })).delivered).toBe(false);
    expect((await sender.send({ id: 'msg_same', body })).delivered).toBe(true);
    expect(r.received.map((x) => x.headers['webhook-id'])).toEqual(['msg_same', 'msg_same']);
  });

  it('a 500, a redirect, a receiver that does not answer in time and one that is down are not delivered', async () => {
    const secret = newWebhookSecret();
    const failing = await receiver(() => 500);
    expect(await new WebhookSender({ url: failing.url, secret }).send({ id: 'a', body })).toEqual({ delivered: false, status: 500, reason: 'HTTP 500' });
    const redirecting = await receiver(() => 307);
    expect(await new WebhookSender({ url: redirecting.url, secret }).send({ id: 'a', body })).toMatchObject({ delivered: false, status: 307 });
    const hanging = await receiver(() => 'hang');
    expect(await new WebhookSender({ url: hanging.url, secret, timeoutMs: 200 }).send({ id: 'a', body })).toEqual({ delivered: false, reason: 'no answer within 200 ms' });
    const down = await startWebhookReceiver();
    await down.close();
    expect(await new WebhookSender({ url: down.url, secret }).send({ id: 'a', body })).toEqual({ delivered: false, reason: 'ECONNREFUSED' });
  });

  it('refuses a secret that is not whsec_<base64>', () => {
    expect(() => new WebhookSender({ url: 'http://127.0.0.1:1/', secret: 'whsec_' })).toThrow();
  });
});
