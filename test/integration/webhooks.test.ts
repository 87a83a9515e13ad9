import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyWebhook, type ImageEvent } from '../../client/src/index.js';
import { Journal } from '../../src/local/webhooks/index.js';
import { sha256, solidPng } from '../helpers/images.js';
import { newWebhookSecret, startWebhookReceiver, type ReceivedWebhook } from '../helpers/webhook-receiver.js';
import { createValidator } from '../helpers/openapi-validator.js';
import { Api, bootStack, type Booted } from '../helpers/stack-harness.js';
import { join } from 'node:path';

/** The local stack (npm start's code) POSTing signed events to real receivers on loopback. */
const shared = solidPng([90, 10, 200]);
const cat = solidPng([91, 11, 201]);
const lonely = solidPng([92, 12, 202]);
const flaky = solidPng([93, 13, 203]);
const FIXTURE = {
  [sha256(shared)]: [{ name: 'Beach', confidence: 93, parents: ['Nature'] }],
  [sha256(cat)]: [{ name: 'Cat', confidence: 97, parents: ['Animal'] }],
};
const { ajv } = createValidator();
const schema = ajv.getSchema('https://travellog.example/openapi.json#/components/schemas/ImageEvent')!;

const events = (received: ReceivedWebhook[], secret: string) =>
  received.map((r) => {
    const event = verifyWebhook(r.headers, r.body, secret);
    expect(schema(event), ajv.errorsText(schema.errors)).toBe(true);
    return { id: String(r.headers['webhook-id']), event };
  });
const settle = () => new Promise((r) => setTimeout(r, 1500)); // time for an event that must not come

describe('webhooks from the local stack', () => {
  const secret = newWebhookSecret();
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let booted: Booted;
  beforeAll(async () => {
    receiver = await startWebhookReceiver((_n, r) => (r.body.includes(sha256(flaky)) && receiver.received.filter((x) => x.body.includes(sha256(flaky))).length < 3 ? 500 : 204));
    booted = await bootStack({ fixture: FIXTURE, webhooks: { WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: secret, WEBHOOK_RETRY_SECONDS: '0.2,0.2,0.2' } });
  });
  afterAll(async () => {
    await booted?.stack.stop();
    await receiver?.close();
  });

  it('one image uploaded by five users: five image.analysed events, each for its owner; re-uploads change nothing and send nothing', async () => {
    const users = ['hook-1', 'hook-2', 'hook-3', 'hook-4', 'hook-5'];
    const start = receiver.received.length;
    await Promise.all(users.map(async (u, i) => (await Api.as(booted.stack.url, u)).upload(shared, { user_id: u, post_id: 10 + i, picture_id: 1 })));
    await receiver.waitFor(start + 5);
    const got = events(receiver.received.slice(start), secret);
    expect(got.map((g) => g.event.data.user_id).sort()).toEqual(users);
    for (const { event } of got) {
      expect(event).toMatchObject({ type: 'image.analysed', data: { status: 'approved', file_name: `${event.data.user_id}-${sha256(shared)}.png`, labels: [{ name: 'Beach', confidence: 93, parents: ['Nature'] }] } });
      expect(event.data.posts).toEqual([{ post_id: 10 + users.indexOf(event.data.user_id), picture_id: 1, trip_id: 10, location_id: 20 }]);
      expect(event.data).not.toHaveProperty('failure_reason');
    }
    expect(new Set(got.map((g) => g.id)).size).toBe(5);

    // The same user uploads again (a retry): the record does not change, so no event.
    const again = await Api.as(booted.stack.url, 'hook-1');
    await again.upload(shared, { user_id: 'hook-1', post_id: 10, picture_id: 1 });
    await again.waitFor(`hook-1-${sha256(shared)}.png`, ['approved']);
    await settle();
    expect(receiver.received.length).toBe(start + 5);
  });

  it('a rejected picture: status, labels; deleting it sends image.deleted once, a second DELETE nothing', async () => {
    const api = await Api.as(booted.stack.url, 'hook-cat');
    const start = receiver.received.length;
    const { file_name } = await api.upload(cat, { user_id: 'hook-cat', post_id: 7, picture_id: 3 });
    await receiver.waitFor(start + 1);
    const [analysed] = events(receiver.received.slice(start), secret);
    expect(analysed!.event).toMatchObject({ type: 'image.analysed', data: { file_name, user_id: 'hook-cat', status: 'rejected', labels: [{ name: 'Cat', confidence: 97 }] } });

    expect((await api.call('DELETE', `/images/${file_name}`)).status).toBe(204);
    await receiver.waitFor(start + 2);
    const [deleted] = events(receiver.received.slice(start + 1), secret);
    expect(deleted!.event).toEqual<ImageEvent>({
      type: 'image.deleted',
      timestamp: expect.any(String) as unknown as string,
      data: { file_name, user_id: 'hook-cat', posts: [{ post_id: 7, picture_id: 3, trip_id: 10, location_id: 20 }] },
    });
    expect((await api.call('DELETE', `/images/${file_name}`)).status).toBe(204);
    await settle();
    expect(receiver.received.length).toBe(start + 2);
  });

  it('a receiver answering 500: retried with the same webhook-id until a 2xx, while the analysis is not held up', async () => {
    const api = await Api.as(booted.stack.url, 'hook-flaky');
    const { file_name } = await api.upload(flaky, { user_id: 'hook-flaky', post_id: 1, picture_id: 1 });
    await api.waitFor(file_name, ['approved']);
    const mine = () => receiver.received.filter((r) => r.body.includes(sha256(flaky)));
    for (let i = 0; i < 100 && mine().length < 3; i++) await new Promise((r) => setTimeout(r, 100));
    expect(mine()).toHaveLength(3); // 500, 500, then 204
    expect(new Set(mine().map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(mine().map((r) => r.body)).toEqual([mine()[0]!.body, mine()[0]!.body, mine()[0]!.body]);
  });
});

describe('a receiver that is down', () => {
  it('every attempt fails, then the event waits in the local DLQ, which survives a restart; the analysis is unaffected', async () => {
    const down = await startWebhookReceiver();
    await down.close();
    const booted = await bootStack({ webhooks: { WEBHOOK_URL: down.url, WEBHOOK_SECRET: newWebhookSecret(), WEBHOOK_RETRY_SECONDS: '0.1,0.1' } });
    try {
      const api = await Api.as(booted.stack.url, 'hook-down');
      const { file_name } = await api.upload(lonely, { user_id: 'hook-down', post_id: 1, picture_id: 1 });
      await api.waitFor(file_name, ['approved']);
      // The event is published just after the record turns approved (the pipeline's outcome listener),
      // so wait for the dead letter itself rather than for an outbox that may not hold the event yet.
      await vi.waitFor(async () => expect(await Journal.deadLetters(join(booted.dataDir, 'webhooks'))).toHaveLength(1), { timeout: 15_000, interval: 50 });
      const [letter] = await Journal.deadLetters(join(booted.dataDir, 'webhooks'));
      expect(letter).toMatchObject({ attempts: 3, reason: 'ECONNREFUSED' });
      expect(JSON.parse(letter!.body)).toMatchObject({ type: 'image.analysed', data: { file_name, status: 'approved' } });
    } finally {
      await booted.stack.stop();
    }
    const again = await bootStack({ dataDir: booted.dataDir });
    try {
      expect(again.stack.webhookUrl).toBeUndefined(); // no webhook configured this time: the DLQ file stays as it was
      expect(await Journal.deadLetters(join(booted.dataDir, 'webhooks'))).toHaveLength(1);
    } finally {
      await again.stack.stop();
    }
  });
});
