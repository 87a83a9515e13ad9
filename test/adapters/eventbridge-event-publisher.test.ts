import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBridgePublisher, eventBridgeClient } from '../../src/adapters/eventbridge-event-publisher.js';
import { deletedEvent, type OutgoingEvent } from '../../src/core/image-events.js';
import { PublishFailedError } from '../../src/ports/event-publisher.js';

/**
 * A loopback endpoint speaking EventBridge's JSON protocol, recording PutEvents; `refuse` decides per
 * entry (its Detail's file_name) and call whether EventBridge refuses it.
 */
describe('EventBridgePublisher (real SDK client, loopback endpoint)', () => {
  let server: Server;
  const calls: { target: string; entries: Record<string, unknown>[] }[] = [];
  let refuse: (fileName: string) => boolean = () => false;
  let publisher: EventBridgePublisher;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const { Entries } = JSON.parse(Buffer.concat(chunks).toString()) as { Entries: Record<string, unknown>[] };
        calls.push({ target: String(req.headers['x-amz-target']), entries: Entries });
        const out = Entries.map((e, i) =>
          refuse((JSON.parse(e.Detail as string) as { data: { file_name: string } }).data.file_name) ? { ErrorCode: 'InternalFailure', ErrorMessage: 'x' } : { EventId: `e${i}` },
        );
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ FailedEntryCount: out.filter((e) => 'ErrorCode' in e).length, Entries: out }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    publisher = new EventBridgePublisher(
      eventBridgeClient({ AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b', AWS_ENDPOINT_URL_EVENTBRIDGE: endpoint }),
      'default',
      [1, 1], // the pauses between attempts, short for the test
    );
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const events = (n: number): OutgoingEvent[] =>
    Array.from({ length: n }, (_, i) => deletedEvent({ file_name: `${i}-${'f'.repeat(64)}.jpg`, user_id: String(i), created_at: 'c' }, [], '2026-11-29T22:00:00.000Z'));

  it('puts each event on the default bus with source travellog.images, its detail-type and the event as detail; 10 per call', async () => {
    calls.length = 0;
    await publisher.publish(events(12));
    expect(calls.map((c) => [c.target, c.entries.length])).toEqual([
      ['AWSEvents.PutEvents', 10],
      ['AWSEvents.PutEvents', 2],
    ]);
    const first = calls[0]!.entries[0]!;
    expect(first).toMatchObject({ EventBusName: 'default', Source: 'travellog.images', DetailType: 'Image Deleted' });
    expect(JSON.parse(first.Detail as string)).toEqual(events(1)[0]!.event);
  });

  it('sends the refused entries again, only those, until EventBridge takes them', async () => {
    calls.length = 0;
    const refusedOnce = new Set(['1-' + 'f'.repeat(64) + '.jpg']);
    refuse = (name) => refusedOnce.delete(name); // refused the first time only
    await publisher.publish(events(3));
    expect(calls.map((c) => c.entries.map((e) => (JSON.parse(e.Detail as string) as { data: { file_name: string } }).data.file_name.split('-')[0]))).toEqual([['0', '1', '2'], ['1']]);
    refuse = () => false;
  });

  it('an entry EventBridge keeps refusing is an error after 3 attempts, not a silent loss', async () => {
    calls.length = 0;
    refuse = (name) => name.startsWith('1-');
    await expect(publisher.publish(events(3))).rejects.toThrow(PublishFailedError);
    expect(calls.map((c) => c.entries.length)).toEqual([3, 1, 1]);
    await expect(publisher.publish(events(3))).rejects.toThrow(/EventBridge refused 1 of 1 events \(InternalFailure\) after 3 attempts/);
    refuse = () => false;
  });
});
