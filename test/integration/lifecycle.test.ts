import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION } from '../../src/local/constants.js';
import { LOCAL_BUCKET } from '../../src/local/stack.js';
import { notAnImage, sha256, solidPng } from '../helpers/images.js';
import { Api, bootStack, registerBody, type Booted } from '../helpers/stack-harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Peeks at the DLQ (visibility 0: the messages stay) for a message naming `fileName`. */
const dlqHolds = async (booted: Booted, fileName: string): Promise<boolean> => {
  const sqs = new SQSClient({ endpoint: booted.stack.sqsEndpoint, region: LOCAL_REGION, credentials: booted.stack.credentials });
  try {
    for (let i = 0; i < 20; i++) {
      const res = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: booted.stack.dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 0 }),
      );
      if ((res.Messages ?? []).some((m) => m.Body?.includes(fileName))) return true;
    }
    return false;
  } finally {
    sqs.destroy();
  }
};

describe('lifecycle: expiry, refused uploads, failures, restart', () => {
  const stacks: Booted[] = [];
  afterAll(async () => {
    for (const b of stacks) await b.stack.stop().catch(() => undefined);
  });

  it('refuses tampered, wrong-type, wrong-hash and expired uploads like S3, and a waiting record expires', async () => {
    const booted = await bootStack({ env: { SIGNED_URL_WRITE_EXPIRATION: '2', WAITING_RECORD_TTL_SECONDS: '3' } });
    stacks.push(booted);
    const api = await Api.as(booted.stack.url, '456');
    const photo = solidPng([33, 66, 99]);
    const reg = await api.register(photo, { user_id: 456 });
    expect(reg.status).toBe(201);
    const { upload_url: url, upload_headers: headers } = reg.body;
    const put = (u: string, h: Record<string, string>, body: Buffer) => fetch(u, { method: 'PUT', headers: h, body: new Uint8Array(body) });

    const wrongBody = await put(url, headers, solidPng([33, 66, 98]));
    expect(wrongBody.status).toBe(400);
    expect(await wrongBody.text()).toContain('<Code>BadDigest</Code>');
    const wrongType = await put(url, { ...headers, 'Content-Type': 'image/jpeg' }, photo);
    expect(wrongType.status).toBe(403);
    expect(await wrongType.text()).toContain('SignatureDoesNotMatch');
    const noChecksum = await put(url, { 'Content-Type': headers['Content-Type']! }, photo);
    expect(noChecksum.status).toBe(403);
    const tampered = new URL(url);
    tampered.searchParams.set('X-Amz-Expires', '3600');
    expect((await put(tampered.toString(), headers, photo)).status).toBe(403);
    const otherKey = url.replace(`456-${sha256(photo)}`, `457-${sha256(photo)}`);
    expect((await put(otherKey, headers, photo)).status).toBe(403);

    await sleep(2500);
    const expired = await put(url, headers, photo);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('expired');

    // Nothing was stored; the registration expires (reads ignore it at once; the sweeper deletes it).
    expect((await api.call('GET', `/obtain/${reg.body.file_name}`)).status).toBe(404);
    await sleep(1000);
    expect((await api.image(reg.body.file_name)).status).toBe(404);
    expect((await api.scan('post_id=1')).body.images).toEqual([]);
    expect(await booted.stack.sweepExpired()).toBeGreaterThanOrEqual(2); // record + placement
    // Registering again after expiry is a new registration.
    expect((await api.register(photo, { user_id: 456 })).status).toBe(201);
  });

  it('records an upload the receiver never saw; a file that is not an image ends failed at once; a poison message ends in the DLQ', async () => {
    const booted = await bootStack({ visibilityTimeoutSeconds: 1, maxReceiveCount: 2 });
    stacks.push(booted);
    const api = await Api.as(booted.stack.url, '456');

    // An upload with no receiver record (say, its registration was lost): still recorded and analysed.
    const orphan = solidPng([7, 7, 7]);
    const s3 = new S3Client({
      endpoint: booted.stack.s3Endpoint,
      region: LOCAL_REGION,
      credentials: booted.stack.credentials,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    const orphanName = `456-${sha256(orphan)}.png`;
    await s3.send(new PutObjectCommand({ Bucket: LOCAL_BUCKET, Key: orphanName, Body: orphan, ContentType: 'image/png' }));
    s3.destroy();
    expect((await api.waitFor(orphanName, ['approved'])).analysis_source).toBe('detected');
    expect((await api.scan()).body.images).toContain(orphanName);

    const junk = notAnImage('poison');
    const bad = await api.call<{ upload_url: string; upload_headers: Record<string, string>; file_name: string }>('POST', '/receiver', {
      body: registerBody(junk, { user_id: 456, post_id: 9 }, 'image/jpeg'),
    });
    const putJunk = await fetch(bad.body.upload_url, { method: 'PUT', headers: bad.body.upload_headers, body: new Uint8Array(junk) });
    expect(putJunk.status).toBe(200);
    const failed = await api.waitFor(bad.body.file_name, ['failed'], 20_000);
    // Permanent: failed on its first receive with a code and a sentence, and consumed (no retry, no dead letter).
    expect(failed.failure_reason).toBe('invalid_image: The file is not a JPEG or PNG image.');
    expect(failed.variants).toEqual({});

    // A message the analyzer cannot even read is retried, then dead-lettered.
    const poison = `not an S3 notification ${Date.now()}`;
    const sqs = new SQSClient({ endpoint: booted.stack.sqsEndpoint, region: LOCAL_REGION, credentials: booted.stack.credentials });
    await sqs.send(new SendMessageCommand({ QueueUrl: booted.stack.queueUrl, MessageBody: poison }));
    sqs.destroy();
    expect(await dlqHolds(booted, poison)).toBe(true);
    expect(await dlqHolds(booted, bad.body.file_name)).toBe(false);
    // A failed image is listed (it was uploaded) but never matches a label filter.
    expect((await api.scan('post_id=9')).body.images).toEqual([bad.body.file_name]);
    expect((await api.scan(`post_id=9&label=${encodeURIComponent('x<50')}`)).body.images).toEqual([]);

    // The dead letter survives a restart (queue contents are saved under DATA_DIR), and the banner's count says so.
    await booted.stack.stop();
    const again = await bootStack({ dataDir: booted.dataDir, visibilityTimeoutSeconds: 1, maxReceiveCount: 2 });
    stacks.push(again);
    expect(again.stack.deadLetters).toEqual({ redriven: 0, waiting: 1 });
    expect(await dlqHolds(again, poison)).toBe(true);

    // REDRIVE_DLQ=true: it goes back to the queue and through the analyzer again (still poison: back in the DLQ).
    await again.stack.stop();
    const redriven = await bootStack({ dataDir: booted.dataDir, visibilityTimeoutSeconds: 1, maxReceiveCount: 2, redriveDeadLetters: true });
    stacks.push(redriven);
    expect(redriven.stack.deadLetters).toEqual({ redriven: 1, waiting: 0 });
    expect(await dlqHolds(redriven, poison)).toBe(true);
  });

  it('a restart keeps images, records and queued messages', async () => {
    const first = await bootStack({ fixture: {} });
    const api1 = await Api.as(first.stack.url, 'restart-user');
    const photo = solidPng([1, 99, 199]);
    const up = await api1.upload(photo, { user_id: 'restart-user', post_id: 4 });
    await api1.waitFor(up.file_name, ['approved']);
    const waiting = await api1.register(solidPng([2, 99, 199]), { user_id: 'restart-user', post_id: 4 });
    await first.stack.stop();

    const second = await bootStack({ dataDir: first.dataDir });
    stacks.push(second);
    const api2 = new Api(second.stack.url, api1.token);
    expect((await api2.image(up.file_name)).body).toMatchObject({ status: 'approved', analysis_source: 'detected' });
    expect((await api2.image(waiting.body.file_name)).body).toMatchObject({ status: 'waiting' });
    expect((await api2.scan('post_id=4')).body.images).toEqual([up.file_name]);
    const obtain = await api2.call('GET', `/obtain/${up.file_name}`);
    expect(obtain.status).toBe(302);
    const bytes = Buffer.from(await (await fetch(obtain.headers.get('location')!)).arrayBuffer());
    expect(bytes.equals(photo)).toBe(true);
  });
});
