import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { S3Schema } from '@aws-lambda-powertools/parser/schemas/s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../../src/local/constants.js';
import { BUCKET, bodyBytes, errorCode, fetchBody, sdkClient, sha256Base64, startHarness, waitFor, type Harness } from '../../helpers/local-s3.js';

/** Presigns an upload exactly like the product: Content-Type and SHA-256 bound by the signature. */
function presignUpload(client: S3Client, key: string, body: Buffer, contentType: string, options: { expiresIn?: number; signingDate?: Date } = {}) {
  return getSignedUrl(client, new PutObjectCommand({ Bucket: BUCKET, Key: key, ContentType: contentType, ChecksumSHA256: sha256Base64(body) }), {
    expiresIn: options.expiresIn ?? 300,
    signableHeaders: new Set(['content-type', 'x-amz-checksum-sha256']),
    unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
    ...(options.signingDate ? { signingDate: options.signingDate } : {}),
  });
}

const upload = (url: string, body: Buffer, headers: Record<string, string>) => fetch(url, { method: 'PUT', body: fetchBody(body), headers });

async function objectExists(client: S3Client, key: string): Promise<boolean> {
  try {
    await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'NotFound') return false;
    throw error;
  }
}

describe('local S3: presigned uploads (the product flow)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  it('accepts a correct upload, stores it, and emits an ObjectCreated:Put notification valid for Powertools', async () => {
    const key = 'users/u1/my photo+1.jpg';
    const body = randomBytes(4096);
    const url = await presignUpload(h.client, key, body, 'image/jpeg');
    const res = await upload(url, body, { 'Content-Type': 'image/jpeg', 'x-amz-checksum-sha256': sha256Base64(body) });
    expect(res.status).toBe(200);
    const etag = res.headers.get('etag');
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);

    const stored = await h.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(stored.ContentType).toBe('image/jpeg');
    expect((await bodyBytes(stored.Body)).equals(body)).toBe(true);

    const notification = await waitFor(() => h.notifications.find((n) => n.Records[0]?.s3.object.key === 'users/u1/my+photo%2B1.jpg'));
    const parsed = S3Schema.parse(notification);
    const record = parsed.Records[0]!;
    expect(record.eventName).toBe('ObjectCreated:Put');
    expect(record.eventVersion).toBe('2.1');
    expect(record.s3.bucket).toEqual({ name: BUCKET, ownerIdentity: { principalId: expect.any(String) }, arn: `arn:aws:s3:::${BUCKET}` });
    expect(record.s3.object.size).toBe(body.length);
    expect(record.s3.object.eTag).toBe(etag!.replace(/"/g, ''));
    expect(record.s3.object.sequencer).toMatch(/^[0-9A-F]+$/);
    expect(record.responseElements['x-amz-request-id']).toBe(res.headers.get('x-amz-request-id'));
    expect(decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '))).toBe(key);
  });

  it('refuses a body whose SHA-256 differs from the signed checksum, and stores nothing', async () => {
    const key = 'users/u1/bad-digest.jpg';
    const declared = randomBytes(1024);
    const url = await presignUpload(h.client, key, declared, 'image/jpeg');
    const before = h.notifications.length;
    const res = await upload(url, randomBytes(1024), { 'Content-Type': 'image/jpeg', 'x-amz-checksum-sha256': sha256Base64(declared) });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/xml');
    const text = await res.text();
    expect(text).toContain('<Code>BadDigest</Code>');
    expect(text).toContain('<Message>The SHA256 you specified did not match the calculated checksum.</Message>');
    expect(text).toMatch(/<RequestId>[0-9A-F]{16}<\/RequestId>/);
    expect(await objectExists(h.client, key)).toBe(false);
    expect(await readdir(join(h.dataDir, 'spool'))).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(h.notifications.length).toBe(before);
  });

  it('refuses a Content-Type other than the signed one', async () => {
    const body = randomBytes(64);
    const url = await presignUpload(h.client, 'users/u1/type.jpg', body, 'image/jpeg');
    const res = await upload(url, body, { 'Content-Type': 'image/png', 'x-amz-checksum-sha256': sha256Base64(body) });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('SignatureDoesNotMatch');
    expect(await objectExists(h.client, 'users/u1/type.jpg')).toBe(false);
  });

  it('refuses an upload without the signed checksum header', async () => {
    const body = randomBytes(64);
    const url = await presignUpload(h.client, 'users/u1/no-checksum.jpg', body, 'image/jpeg');
    const res = await upload(url, body, { 'Content-Type': 'image/jpeg' });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('SignatureDoesNotMatch');
  });

  it('refuses a checksum header with another value than the signed one, even if it matches the body', async () => {
    const signedFor = randomBytes(64);
    const sent = randomBytes(64);
    const url = await presignUpload(h.client, 'users/u1/swap.jpg', signedFor, 'image/jpeg');
    const res = await upload(url, sent, { 'Content-Type': 'image/jpeg', 'x-amz-checksum-sha256': sha256Base64(sent) });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('SignatureDoesNotMatch');
  });

  it('refuses a tampered signature, key or query', async () => {
    const body = randomBytes(64);
    const headers = { 'Content-Type': 'image/jpeg', 'x-amz-checksum-sha256': sha256Base64(body) };
    const url = new URL(await presignUpload(h.client, 'users/u1/tamper.jpg', body, 'image/jpeg'));

    const badSignature = new URL(url);
    const signature = badSignature.searchParams.get('X-Amz-Signature')!;
    badSignature.searchParams.set('X-Amz-Signature', (signature[0] === 'a' ? 'b' : 'a') + signature.slice(1));
    const otherKey = new URL(url);
    otherKey.pathname = otherKey.pathname.replace('tamper.jpg', 'other.jpg');
    const longerExpiry = new URL(url);
    longerExpiry.searchParams.set('X-Amz-Expires', '3600');
    const extraParam = new URL(url);
    extraParam.searchParams.set('tagging', '');

    for (const tampered of [badSignature, otherKey, longerExpiry, extraParam]) {
      const res = await upload(tampered.toString(), body, headers);
      expect(res.status, tampered.toString()).toBe(403);
      expect(await errorCode(res)).toBe('SignatureDoesNotMatch');
    }
    expect(await objectExists(h.client, 'users/u1/tamper.jpg')).toBe(false);
    expect(await objectExists(h.client, 'users/u1/other.jpg')).toBe(false);
  });

  it('refuses an expired URL with AccessDenied "Request has expired"', async () => {
    const body = randomBytes(64);
    const url = await presignUpload(h.client, 'users/u1/expired.jpg', body, 'image/jpeg', {
      expiresIn: 60,
      signingDate: new Date(Date.now() - 120_000),
    });
    const res = await upload(url, body, { 'Content-Type': 'image/jpeg', 'x-amz-checksum-sha256': sha256Base64(body) });
    expect(res.status).toBe(403);
    const text = await res.text();
    expect(text).toContain('<Code>AccessDenied</Code>');
    expect(text).toContain('<Message>Request has expired</Message>');
  });

  it('refuses X-Amz-Expires beyond a week', async () => {
    const body = randomBytes(64);
    // The SDK itself refuses to presign for longer, so stretch a valid URL (checked before the signature).
    const url = new URL(await presignUpload(h.client, 'users/u1/week.jpg', body, 'image/jpeg'));
    url.searchParams.set('X-Amz-Expires', '604801');
    const res = await upload(url.toString(), body, { 'Content-Type': 'image/jpeg', 'x-amz-checksum-sha256': sha256Base64(body) });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe('AuthorizationQueryParametersError');
  });

  it('refuses anonymous requests', async () => {
    const res = await fetch(`${h.s3.endpoint}/${BUCKET}/users/u1/anon.jpg`, { method: 'PUT', body: 'x' });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('AccessDenied');
    const get = await fetch(`${h.s3.endpoint}/${BUCKET}?list-type=2`);
    expect(get.status).toBe(403);
    expect(await errorCode(get)).toBe('AccessDenied');
  });

  it('refuses URLs signed with a wrong secret or an unknown access key', async () => {
    const body = randomBytes(64);
    const headers = { 'Content-Type': 'image/jpeg', 'x-amz-checksum-sha256': sha256Base64(body) };
    const wrongSecret = sdkClient(h.s3.endpoint, { accessKeyId: LOCAL_CREDENTIALS.accessKeyId, secretAccessKey: 'not-the-secret' });
    const unknownKey = sdkClient(h.s3.endpoint, { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: LOCAL_CREDENTIALS.secretAccessKey });

    const res1 = await upload(await presignUpload(wrongSecret, 'users/u1/k.jpg', body, 'image/jpeg'), body, headers);
    expect(res1.status).toBe(403);
    expect(await errorCode(res1)).toBe('SignatureDoesNotMatch');
    const res2 = await upload(await presignUpload(unknownKey, 'users/u1/k.jpg', body, 'image/jpeg'), body, headers);
    expect(res2.status).toBe(403);
    expect(await errorCode(res2)).toBe('InvalidAccessKeyId');
  });

  it('serves a presigned GET streaming the exact bytes, and 403 once the URL is tampered with', async () => {
    const key = 'users/u1/big (1)!.bin';
    const body = randomBytes(3 * 1024 * 1024 + 17);
    await h.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ContentType: 'application/octet-stream' }));
    const url = await getSignedUrl(h.client, new GetObjectCommand({ Bucket: BUCKET, Key: key }), { expiresIn: 60 });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(body.length));
    expect(Buffer.from(await res.arrayBuffer()).equals(body)).toBe(true);

    const overridden = await getSignedUrl(h.client, new GetObjectCommand({ Bucket: BUCKET, Key: key, ResponseContentType: 'image/png' }), { expiresIn: 60 });
    const withOverride = await fetch(overridden);
    expect(withOverride.status).toBe(200);
    expect(withOverride.headers.get('content-type')).toBe('image/png');
    await withOverride.arrayBuffer();

    const tampered = await fetch(url.replace('big%20%281%29', 'big%20%282%29'));
    expect(tampered.status).toBe(403);
    expect(await errorCode(tampered)).toBe('SignatureDoesNotMatch');
  });

  it('answers CORS preflights and adds Access-Control-Allow-Origin to responses, errors included', async () => {
    const origin = 'http://localhost:5173';
    const preflight = await fetch(`${h.s3.endpoint}/${BUCKET}/users/u1/x.jpg?X-Amz-Signature=abc`, {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'content-type,x-amz-checksum-sha256' },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, PUT, HEAD');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type,x-amz-checksum-sha256');
    expect(preflight.headers.get('access-control-expose-headers')).toContain('ETag');

    const noOrigin = await fetch(`${h.s3.endpoint}/${BUCKET}/x`, { method: 'OPTIONS', headers: { 'Access-Control-Request-Method': 'PUT' } });
    expect(noOrigin.status).toBe(400);

    const body = randomBytes(32);
    const url = await presignUpload(h.client, 'users/u1/cors.jpg', body, 'image/jpeg');
    const ok = await upload(url, body, { Origin: origin, 'Content-Type': 'image/jpeg', 'x-amz-checksum-sha256': sha256Base64(body) });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(origin);
    const denied = await upload(url, body, { Origin: origin, 'Content-Type': 'text/plain', 'x-amz-checksum-sha256': sha256Base64(body) });
    expect(denied.status).toBe(403);
    expect(denied.headers.get('access-control-allow-origin')).toBe(origin);
  });

  it('refuses unsigned x-amz-* headers on a presigned request', async () => {
    const url = await getSignedUrl(h.client, new PutObjectCommand({ Bucket: BUCKET, Key: 'users/u1/meta.jpg' }), { expiresIn: 60 });
    const res = await fetch(url, { method: 'PUT', body: 'x', headers: { 'x-amz-meta-owner': 'mallory' } });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('AccessDenied');
  });
});
