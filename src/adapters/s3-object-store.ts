import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { hashToChecksum } from '../core/file-name.js';
import type { ObjectStore, PresignedUpload } from '../ports/object-store.js';

/** Private bucket; every access is a short-lived SigV4 URL. */
export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async presignUpload(key: string, o: { contentType: string; sha256Hex: string; expiresIn: number; contentLength?: number }): Promise<PresignedUpload> {
    const checksum = hashToChecksum(o.sha256Hex);
    const sized = o.contentLength !== undefined;
    const url = await getSignedUrl(
      this.s3,
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ContentType: o.contentType,
        ChecksumSHA256: checksum,
        ...(sized ? { ContentLength: o.contentLength } : {}),
      }),
      {
        expiresIn: o.expiresIn,
        // Sign the headers: the URL is useless with another type, another body
        // (S3 checks x-amz-checksum-sha256 against the body and answers BadDigest)
        // or, when the size was declared, another length (the upload size limit).
        signableHeaders: new Set(['content-type', 'x-amz-checksum-sha256', ...(sized ? ['content-length'] : [])]),
        unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
      },
    );
    const headers: Record<string, string> = { 'Content-Type': o.contentType, 'x-amz-checksum-sha256': checksum };
    if (sized) headers['Content-Length'] = String(o.contentLength);
    return { url, headers };
  }

  async readStart(key: string, bytes: number): Promise<{ start: Uint8Array; size: number }> {
    let out;
    try {
      out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=0-${bytes - 1}` }));
    } catch (e) {
      // S3 answers 416 InvalidRange to a range of an empty object (it has no byte 0).
      if ((e as Error).name === 'InvalidRange' || (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 416) {
        return { start: new Uint8Array(0), size: 0 };
      }
      throw e;
    }
    const start = await out.Body!.transformToByteArray();
    // `Content-Range: bytes 0-65535/<total>`; a store that ignored the range sent the whole object.
    const total = /\/(\d+)$/.exec(out.ContentRange ?? '')?.[1];
    return { start, size: total === undefined ? start.byteLength : Number(total) };
  }

  async read(key: string, maxBytes: number): Promise<Uint8Array | undefined> {
    const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    if ((out.ContentLength ?? 0) > maxBytes) {
      (out.Body as { destroy?: () => void } | undefined)?.destroy?.(); // do not download what will be refused
      return undefined;
    }
    return out.Body!.transformToByteArray();
  }

  async put(key: string, body: Uint8Array, contentType: string): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
  }

  presignDownload(key: string, expiresIn: number): Promise<string> {
    return getSignedUrl(this.s3, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn });
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (e) {
      const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404 || (e as Error).name === 'NotFound' || (e as Error).name === 'NoSuchKey') return false;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }
}
