import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { S3Schema } from '@aws-lambda-powertools/parser/schemas/s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../src/local/constants.js';
import { BUCKET, bodyBytes, errorCode, sdkClient, sendVerbatim, signedFetch, signRequest, startHarness, waitFor, type Harness } from '../../helpers/local-s3.js';

const crc32Base64 = (data: Buffer) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(data));
  return out.toString('base64');
};

async function sdkError(promise: Promise<unknown>): Promise<{ name: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

describe('local S3: header-signed requests (SDK clients)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  const eventFor = (key: string, eventName: string) =>
    waitFor(() => h.notifications.find((n) => n.Records[0]?.s3.object.key === key && n.Records[0]?.eventName === eventName));

  it('puts, heads, gets, lists and deletes objects', async () => {
    const key = 'users/u2/ünïcode ~*.txt';
    const body = Buffer.from('hello local s3');
    const put = await h.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ContentType: 'text/plain', Metadata: { owner: 'u2' } }));
    expect(put.ETag).toBe(`"${createHash('md5').update(body).digest('hex')}"`);

    const head = await h.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(head.ContentLength).toBe(body.length);
    expect(head.ContentType).toBe('text/plain');
    expect(head.Metadata).toEqual({ owner: 'u2' });

    const got = await h.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect((await bodyBytes(got.Body)).toString()).toBe('hello local s3');

    const listed = await h.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'users/u2/' }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual([key]);

    await h.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(await sdkError(h.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })))).toEqual({ name: 'NotFound', status: 404 });
    expect(await sdkError(h.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key })))).toEqual({ name: 'NoSuchKey', status: 404 });

    const event = await eventFor('users/u2/%C3%BCn%C3%AFcode+%7E*.txt', 'ObjectCreated:Put');
    expect(S3Schema.parse(event).Records[0]!.s3.object.size).toBe(body.length);
  });

  it('answers HEAD errors without a body, and store errors as S3 XML with a RequestId', async () => {
    const head = await signedFetch(h.s3.endpoint, { method: 'HEAD', path: `/${BUCKET}/missing` });
    expect(head.status).toBe(404);
    expect(await head.text()).toBe('');
    const get = await signedFetch(h.s3.endpoint, { method: 'GET', path: `/${BUCKET}/missing` });
    expect(get.status).toBe(404);
    expect(get.headers.get('content-type')).toBe('application/xml');
    const text = await get.text();
    expect(text).toContain('<Code>NoSuchKey</Code>');
    expect(text).toContain(`<RequestId>${get.headers.get('x-amz-request-id')}</RequestId>`);
  });

  it('refuses wrong secrets and unknown access keys', async () => {
    const wrongSecret = sdkClient(h.s3.endpoint, { accessKeyId: LOCAL_CREDENTIALS.accessKeyId, secretAccessKey: 'nope' });
    const unknownKey = sdkClient(h.s3.endpoint, { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'nope' });
    const put = (client: S3Client) => client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'users/u2/denied.txt', Body: 'x' }));
    expect(await sdkError(put(wrongSecret))).toEqual({ name: 'SignatureDoesNotMatch', status: 403 });
    expect(await sdkError(put(unknownKey))).toEqual({ name: 'InvalidAccessKeyId', status: 403 });
    expect(await sdkError(h.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'users/u2/denied.txt' })))).toMatchObject({ status: 404 });
  });

  it('refuses a region other than the configured one', async () => {
    const otherRegion = new S3Client({
      endpoint: h.s3.endpoint,
      region: 'eu-west-1',
      forcePathStyle: true,
      credentials: { ...LOCAL_CREDENTIALS },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 1,
    });
    const error = await sdkError(otherRegion.send(new ListObjectsV2Command({ Bucket: BUCKET })));
    expect(error).toEqual({ name: 'AuthorizationHeaderMalformed', status: 400 });
    otherRegion.destroy();
  });

  it('binds a signed Content-Type', async () => {
    const signed = await signRequest(h.s3.endpoint, {
      method: 'PUT',
      path: `/${BUCKET}/users/u2/typed.jpg`,
      headers: { 'content-type': 'image/jpeg' },
      body: 'jpeg bytes',
    });
    const swapped = await fetch(signed.url, { ...signed.init, headers: { ...signed.init.headers, 'content-type': 'image/png' } });
    expect(swapped.status).toBe(403);
    expect(await errorCode(swapped)).toBe('SignatureDoesNotMatch');
    const original = await fetch(signed.url, signed.init);
    expect(original.status).toBe(200);
    const head = await h.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'users/u2/typed.jpg' }));
    expect(head.ContentType).toBe('image/jpeg');
  });

  it('refuses a body that does not match a signed hex x-amz-content-sha256', async () => {
    const res = await signedFetch(h.s3.endpoint, { method: 'PUT', path: `/${BUCKET}/users/u2/hash.txt`, body: 'signed body', sendBody: 'other body!' });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe('XAmzContentSHA256Mismatch');
    expect(await sdkError(h.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'users/u2/hash.txt' })))).toMatchObject({ status: 404 });
  });

  it('checks Content-MD5 and CRC32 checksums', async () => {
    const body = Buffer.from('checked body');
    const wrongMd5 = await signedFetch(h.s3.endpoint, {
      method: 'PUT',
      path: `/${BUCKET}/users/u2/md5.txt`,
      headers: { 'content-md5': createHash('md5').update('other').digest('base64') },
      body,
      payloadHash: 'UNSIGNED-PAYLOAD',
    });
    expect(wrongMd5.status).toBe(400);
    expect(await errorCode(wrongMd5)).toBe('BadDigest');

    const wrongCrc = await signedFetch(h.s3.endpoint, {
      method: 'PUT',
      path: `/${BUCKET}/users/u2/crc.txt`,
      headers: { 'x-amz-checksum-crc32': crc32Base64(Buffer.from('other')) },
      body,
      payloadHash: 'UNSIGNED-PAYLOAD',
    });
    expect(wrongCrc.status).toBe(400);
    expect(await wrongCrc.text()).toContain('The CRC32 you specified did not match the calculated checksum.');

    const rightCrc = await signedFetch(h.s3.endpoint, {
      method: 'PUT',
      path: `/${BUCKET}/users/u2/crc.txt`,
      headers: { 'x-amz-checksum-crc32': crc32Base64(body), 'content-md5': createHash('md5').update(body).digest('base64') },
      body,
      payloadHash: 'UNSIGNED-PAYLOAD',
    });
    expect(rightCrc.status).toBe(200);
  });

  it('refuses a request dated more than 15 minutes away', async () => {
    const res = await signedFetch(h.s3.endpoint, { method: 'GET', path: `/${BUCKET}/any`, signingDate: new Date(Date.now() - 20 * 60_000) });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('RequestTimeTooSkewed');
  });

  it('decodes aws-chunked bodies with a trailing checksum (SDK streaming uploads)', async () => {
    const streaming = new S3Client({
      endpoint: h.s3.endpoint,
      region: LOCAL_REGION,
      forcePathStyle: true,
      credentials: { ...LOCAL_CREDENTIALS },
      requestChecksumCalculation: 'WHEN_SUPPORTED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    const body = randomBytes(200_000);
    await streaming.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'users/u2/stream.bin', Body: Readable.from([body.subarray(0, 70_000), body.subarray(70_000)]), ContentLength: body.length }));
    const got = await h.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'users/u2/stream.bin' }));
    expect((await bodyBytes(got.Body)).equals(body)).toBe(true);
    const event = await eventFor('users/u2/stream.bin', 'ObjectCreated:Put');
    expect(event.Records[0]!.s3.object.size).toBe(body.length);
    streaming.destroy();

    const chunked = (trailerChecksum: string) =>
      Buffer.concat([
        Buffer.from(`${(5).toString(16)}\r\nhello\r\n${(6).toString(16)}\r\n world\r\n0\r\nx-amz-checksum-crc32:${trailerChecksum}\r\n\r\n`),
      ]);
    const send = (trailerChecksum: string) =>
      signedFetch(h.s3.endpoint, {
        method: 'PUT',
        path: `/${BUCKET}/users/u2/chunked.txt`,
        headers: { 'content-encoding': 'aws-chunked', 'x-amz-trailer': 'x-amz-checksum-crc32', 'x-amz-decoded-content-length': '11' },
        payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
        body: chunked(trailerChecksum),
      });
    const bad = await send(crc32Base64(Buffer.from('hello there')));
    expect(bad.status).toBe(400);
    expect(await errorCode(bad)).toBe('BadDigest');
    const good = await send(crc32Base64(Buffer.from('hello world')));
    expect(good.status).toBe(200);
    const stored = await h.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'users/u2/chunked.txt' }));
    expect((await bodyBytes(stored.Body)).toString()).toBe('hello world');
    expect(stored.ContentEncoding).toBeUndefined();
  });

  it('answers a malformed aws-chunked body with an error instead of dropping the connection', async () => {
    const res = await signedFetch(h.s3.endpoint, {
      method: 'PUT',
      path: `/${BUCKET}/users/u2/malformed.txt`,
      headers: { 'content-encoding': 'aws-chunked' },
      payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      body: Buffer.concat([Buffer.from('zz\r\n'), randomBytes(256 * 1024)]),
    });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe('InvalidRequest');
  });

  it('refuses bucket names and keys that would escape the store directory', async () => {
    const dotKey = await sendVerbatim(await signRequest(h.s3.endpoint, { method: 'PUT', path: `/${BUCKET}/a/../../escape.txt`, body: 'x' }));
    expect(dotKey.status).toBe(400);
    expect(dotKey.text).toContain('<Code>InvalidArgument</Code>');
    const badBucket = await sendVerbatim(await signRequest(h.s3.endpoint, { method: 'GET', path: '/../x' }));
    expect(badBucket.status).toBe(400);
    expect(badBucket.text).toContain('<Code>InvalidBucketName</Code>');
  });

  it('copies objects (ObjectCreated:Copy) and deletes several at once (CRC32-checked)', async () => {
    const body = Buffer.from('copy me');
    await h.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'users/u2/a+b c.txt', Body: body }));
    await h.client.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'users/u2/copy.txt', CopySource: `${BUCKET}/${encodeURIComponent('users/u2/a+b c.txt')}` }));
    const copied = await h.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'users/u2/copy.txt' }));
    expect((await bodyBytes(copied.Body)).toString()).toBe('copy me');
    const event = await eventFor('users/u2/copy.txt', 'ObjectCreated:Copy');
    expect(event.Records[0]!.s3.object).toMatchObject({ size: body.length, eTag: createHash('md5').update(body).digest('hex') });

    const deleted = await h.client.send(
      new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'users/u2/a+b c.txt' }, { Key: 'users/u2/copy.txt' }] } }),
    );
    expect(deleted.Deleted?.map((d) => d.Key).sort()).toEqual(['users/u2/a+b c.txt', 'users/u2/copy.txt']);
    expect(await sdkError(h.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'users/u2/copy.txt' })))).toMatchObject({ status: 404 });
  });

  it('completes multipart uploads (one ObjectCreated:CompleteMultipartUpload, none per part)', async () => {
    const key = 'users/u2/multi.bin';
    const part1 = randomBytes(5 * 1024 * 1024);
    const part2 = randomBytes(1234);
    const { UploadId } = await h.client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    const p1 = await h.client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body: part1 }));
    const p2 = await h.client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 2, Body: part2 }));
    await h.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: BUCKET,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }, { PartNumber: 2, ETag: p2.ETag }] },
      }),
    );
    const event = await eventFor(key, 'ObjectCreated:CompleteMultipartUpload');
    expect(event.Records[0]!.s3.object.size).toBe(part1.length + part2.length);
    expect(h.notifications.filter((n) => n.Records[0]?.s3.object.key === key)).toHaveLength(1);
    const got = await h.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect((await bodyBytes(got.Body)).equals(Buffer.concat([part1, part2]))).toBe(true);
  });
});
