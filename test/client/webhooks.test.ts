import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { verifyWebhook, WebhookVerificationError } from '../../client/src/index.js';
import { newWebhookSecret } from '../helpers/webhook-receiver.js';

const secret = newWebhookSecret();
const body = JSON.stringify({
  type: 'image.analysed',
  timestamp: '2026-11-29T22:00:00.000Z',
  data: { file_name: '456-' + 'a'.repeat(64) + '.jpg', user_id: '456', status: 'rejected', labels: [], posts: [{ post_id: 1, picture_id: 2, trip_id: null, location_id: null }] },
});
const signed = (o: { id?: string; at?: Date; payload?: string; key?: string } = {}) => {
  const at = o.at ?? new Date();
  const id = o.id ?? 'msg_1';
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(o.key ?? secret).sign(id, at, o.payload ?? body),
  };
};

describe('verifyWebhook', () => {
  it('returns the typed event of a correctly signed body (plain, Node-style and fetch headers)', () => {
    const event = verifyWebhook(signed(), body, secret);
    expect(event.type).toBe('image.analysed');
    expect(event.data.status).toBe('rejected');
    const h = signed();
    expect(verifyWebhook({ 'Webhook-Id': h['webhook-id'], 'WEBHOOK-TIMESTAMP': [h['webhook-timestamp']], 'webhook-signature': h['webhook-signature'] }, Buffer.from(body), secret).data.user_id).toBe('456');
    expect(verifyWebhook(new Headers(h), new TextEncoder().encode(body), secret).type).toBe('image.analysed');
  });

  it('refuses a tampered body', () => {
    expect(() => verifyWebhook(signed(), body.replace('rejected', 'approved'), secret)).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(signed(), `${body} `, secret)).toThrow(WebhookVerificationError);
  });

  it('refuses a tampered timestamp or id (they are signed too)', () => {
    const h = signed();
    expect(() => verifyWebhook({ ...h, 'webhook-timestamp': String(Number(h['webhook-timestamp']) - 1) }, body, secret)).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook({ ...h, 'webhook-id': 'msg_2' }, body, secret)).toThrow(WebhookVerificationError);
  });

  it('refuses another secret', () => {
    expect(() => verifyWebhook(signed({ key: newWebhookSecret() }), body, secret)).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(signed(), body, newWebhookSecret())).toThrow(WebhookVerificationError);
  });

  it('refuses a timestamp more than 5 minutes old (a replay) or ahead, accepts one within', () => {
    const sixMinutesAgo = new Date(Date.now() - 6 * 60_000);
    expect(() => verifyWebhook(signed({ at: sixMinutesAgo }), body, secret)).toThrow(/too old/);
    expect(() => verifyWebhook(signed({ at: new Date(Date.now() + 6 * 60_000) }), body, secret)).toThrow(/too new/);
    expect(verifyWebhook(signed({ at: new Date(Date.now() - 4 * 60_000) }), body, secret).type).toBe('image.analysed');
  });

  it('refuses missing headers and a signed body that is not an image event', () => {
    const { 'webhook-signature': _, ...unsigned } = signed();
    expect(() => verifyWebhook(unsigned, body, secret)).toThrow(WebhookVerificationError);
    const other = JSON.stringify({ type: 'user.created', data: {} });
    expect(() => verifyWebhook(signed({ payload: other }), other, secret)).toThrow(/not a TravelLog image event/);
  });
});
