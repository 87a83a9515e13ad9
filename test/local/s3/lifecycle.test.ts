import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListBucketsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BUCKET, bodyBytes, signedFetch, startHarness, waitFor } from '../../helpers/local-s3.js';

describe('local S3: lifecycle', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'local-s3-life-'));
    dirs.push(dir);
    return dir;
  };

  it('keeps objects and buckets across a restart on the same data dir, and closes its port', async () => {
    const dataDir = await tempDir();
    const first = await startHarness({ dataDir, buckets: [BUCKET, 'travellog-extra'] });
    await first.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'kept/photo.jpg', Body: 'persisted bytes' }));
    // The spooled body is removed once stored.
    await waitFor(async () => ((await readdir(join(dataDir, 'spool'))).length === 0 ? true : undefined));
    const endpoint = first.s3.endpoint;
    await first.stop();
    await expect(fetch(`${endpoint}/${BUCKET}/kept/photo.jpg`)).rejects.toThrow();

    const second = await startHarness({ dataDir, buckets: [BUCKET] });
    try {
      const got = await second.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'kept/photo.jpg' }));
      expect((await bodyBytes(got.Body)).toString()).toBe('persisted bytes');
      const buckets = await second.client.send(new ListBucketsCommand({}));
      expect(buckets.Buckets?.map((b) => b.Name).sort()).toEqual(['travellog-extra', BUCKET]);
    } finally {
      await second.stop();
    }
  });

  it('logs a failing onObjectCreated callback and keeps serving', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const calls: string[] = [];
    const h = await startHarness({
      onObjectCreated: (n) => {
        calls.push(n.Records[0]!.s3.object.key);
        throw new Error('queue unavailable');
      },
    });
    try {
      await h.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'a.txt', Body: 'a' }));
      await h.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'b.txt', Body: 'b' }));
      await waitFor(() => (calls.length === 2 ? true : undefined));
      await waitFor(() => (logged.mock.calls.length === 2 ? true : undefined));
      expect(calls).toEqual(['a.txt', 'b.txt']);
      expect(String(logged.mock.calls[0]?.[1])).toContain('queue unavailable');
    } finally {
      await h.stop();
    }
  });

  it('waits for in-flight notifications when closing', async () => {
    let delivered = false;
    const h = await startHarness({
      onObjectCreated: async () => {
        await new Promise((resolve) => setTimeout(resolve, 200));
        delivered = true;
      },
    });
    await h.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'slow.txt', Body: 'x' }));
    await h.stop();
    expect(delivered).toBe(true);
  });

  it('refuses signed aws-chunked payloads with NotImplemented rather than storing chunk framing', async () => {
    const h = await startHarness();
    try {
      const res = await signedFetch(h.s3.endpoint, {
        method: 'PUT',
        path: `/${BUCKET}/signed-chunks.txt`,
        headers: { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': '5' },
        payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
        body: `5;chunk-signature=${'0'.repeat(64)}\r\nhello\r\n0;chunk-signature=${'0'.repeat(64)}\r\n\r\n`,
      });
      expect(res.status).toBe(501);
      expect(await res.text()).toContain('<Code>NotImplemented</Code>');
    } finally {
      await h.stop();
    }
  });
});
