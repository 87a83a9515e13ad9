import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { AwsChunkedDecoder } from './aws-chunked.js';
import {
  CHECKSUM_HEADERS,
  createDigest,
  decodeBase64,
  digestLength,
  UNSUPPORTED_CHECKSUM_HEADERS,
  type ChecksumAlgorithm,
  type Digest,
} from './checksums.js';
import { S3Error } from './errors.js';
import type { AuthenticatedRequest } from './sigv4.js';

/**
 * Receives a request body into a spool file while computing every digest the request asks
 * S3 to check, so nothing reaches the store unless the body is exactly what was declared.
 */

const MAX_SINGLE_PUT_BYTES = 5 * 1024 ** 3;
const STREAMING_UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';

interface DeclaredChecksum {
  header: string;
  algorithm: ChecksumAlgorithm;
  /** From the header; undefined when it arrives in the aws-chunked trailer. */
  expected?: Buffer;
}

export interface PayloadExpectations {
  /** x-amz-content-sha256 as a hex hash: covers the body bytes as transmitted. */
  contentSha256Hex?: string;
  contentMd5?: Buffer;
  checksum?: DeclaredChecksum;
  awsChunked: boolean;
  decodedLength?: number;
}

export interface SpooledBody {
  /** Undefined for an empty body. */
  path?: string;
  size: number;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

/** Reads (and validates the format of) every integrity header before any byte is received. */
export function payloadExpectations(req: IncomingMessage, auth: AuthenticatedRequest): PayloadExpectations {
  const payloadHash = auth.payloadHash;
  if (payloadHash.startsWith('STREAMING-') && payloadHash !== STREAMING_UNSIGNED_TRAILER) {
    throw new S3Error(
      'NotImplemented',
      `The local S3 does not implement signed aws-chunked payloads (${payloadHash}); send UNSIGNED-PAYLOAD, a hex SHA-256 or ${STREAMING_UNSIGNED_TRAILER}.`,
    );
  }
  const contentEncoding = single(req.headers['content-encoding']) ?? '';
  const awsChunked = payloadHash === STREAMING_UNSIGNED_TRAILER || /(^|,)\s*aws-chunked\s*(,|$)/.test(contentEncoding);
  const expectations: PayloadExpectations = { awsChunked };
  if (/^[0-9a-f]{64}$/i.test(payloadHash)) expectations.contentSha256Hex = payloadHash.toLowerCase();

  const md5Header = single(req.headers['content-md5']);
  if (md5Header !== undefined) {
    const md5 = decodeBase64(md5Header.trim(), 16);
    if (!md5) throw new S3Error('InvalidDigest', 'The Content-MD5 you specified is not valid.');
    expectations.contentMd5 = md5;
  }

  const checksums = declaredHeaderChecksums(req);
  const trailer = awsChunked ? single(req.headers['x-amz-trailer'])?.trim().toLowerCase() : undefined;
  if (trailer !== undefined && trailer !== '') checksums.push(declaredTrailerChecksum(trailer));
  if (checksums.length > 1) {
    throw new S3Error('InvalidRequest', 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  }
  if (checksums[0]) expectations.checksum = checksums[0];

  const decodedLength = single(req.headers['x-amz-decoded-content-length']);
  if (awsChunked && decodedLength !== undefined) {
    if (!/^\d+$/.test(decodedLength)) throw new S3Error('InvalidArgument', 'x-amz-decoded-content-length is not a valid number.');
    expectations.decodedLength = Number(decodedLength);
  }
  const contentLength = Number(single(req.headers['content-length']) ?? 0);
  if (contentLength > MAX_SINGLE_PUT_BYTES || (expectations.decodedLength ?? 0) > MAX_SINGLE_PUT_BYTES) {
    throw new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
  }
  return expectations;
}

function declaredHeaderChecksums(req: IncomingMessage): DeclaredChecksum[] {
  const declared: DeclaredChecksum[] = [];
  for (const [header, value] of Object.entries(req.headers)) {
    if (UNSUPPORTED_CHECKSUM_HEADERS.has(header)) {
      throw new S3Error('NotImplemented', `The local S3 does not implement ${header}; use x-amz-checksum-sha256, -sha1, -crc32 or -crc32c.`);
    }
    const algorithm = CHECKSUM_HEADERS.get(header);
    if (!algorithm) continue;
    const expected = decodeBase64(single(value)?.trim() ?? '', digestLength(algorithm));
    if (!expected) throw new S3Error('InvalidRequest', `Value for ${header} header is invalid.`);
    declared.push({ header, algorithm, expected });
  }
  return declared;
}

function declaredTrailerChecksum(trailer: string): DeclaredChecksum {
  const algorithm = CHECKSUM_HEADERS.get(trailer);
  if (!algorithm) {
    throw new S3Error('InvalidRequest', `The value specified in the x-amz-trailer header is not supported: ${trailer}`);
  }
  return { header: trailer, algorithm };
}

class SpoolFile {
  private stream: WriteStream | undefined;
  readonly path: string;

  constructor(dir: string) {
    this.path = join(dir, `${randomUUID()}.part`);
  }

  get opened(): boolean {
    return this.stream !== undefined;
  }

  async write(data: Buffer): Promise<void> {
    this.stream ??= createWriteStream(this.path);
    if (!this.stream.write(data)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    if (!this.stream) return;
    this.stream.end();
    await once(this.stream, 'close');
  }

  async discard(): Promise<void> {
    this.stream?.destroy();
    await rm(this.path, { force: true });
  }
}

/**
 * Streams the body into `spoolDir` (never holding it in memory), then checks every declared
 * digest. On any mismatch the spool file is deleted and an S3Error thrown.
 */
export async function spoolAndVerify(req: IncomingMessage, spoolDir: string, expect: PayloadExpectations): Promise<SpooledBody> {
  const rawSha256 = expect.contentSha256Hex ? createDigest('SHA256') : undefined;
  const md5 = expect.contentMd5 ? createDigest('MD5') : undefined;
  const checksum = expect.checksum ? createDigest(expect.checksum.algorithm) : undefined;
  const decodedDigests = [md5, checksum].filter((d): d is Digest => d !== undefined);
  const decoder = expect.awsChunked ? new AwsChunkedDecoder() : undefined;
  const spool = new SpoolFile(spoolDir);
  let size = 0;
  try {
    try {
      // destroyOnReturn: false keeps the socket alive when we stop early, so the error can be answered.
      for await (const piece of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
        rawSha256?.update(piece);
        for (const data of decoder ? decoder.push(piece) : [piece]) {
          size += data.length;
          if (size > MAX_SINGLE_PUT_BYTES) throw new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
          for (const digest of decodedDigests) digest.update(data);
          await spool.write(data);
        }
      }
    } catch (error) {
      if (error instanceof S3Error) throw error;
      throw new S3Error('IncompleteBody', 'The request body terminated unexpectedly');
    }
    decoder?.finish();
    await spool.close();
    verifyDigests(expect, size, { rawSha256, md5, checksum }, decoder?.trailers);
  } catch (error) {
    await spool.discard();
    throw error;
  }
  return spool.opened ? { path: spool.path, size } : { size };
}

function verifyDigests(
  expect: PayloadExpectations,
  size: number,
  digests: { rawSha256?: Digest; md5?: Digest; checksum?: Digest },
  trailers: ReadonlyMap<string, string> | undefined,
): void {
  if (expect.contentSha256Hex && digests.rawSha256) {
    const computed = digests.rawSha256.result().toString('hex');
    if (computed !== expect.contentSha256Hex) {
      throw new S3Error('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", {
        ClientComputedContentSHA256: expect.contentSha256Hex,
        S3ComputedContentSHA256: computed,
      });
    }
  }
  if (expect.decodedLength !== undefined && expect.decodedLength !== size) {
    throw new S3Error('IncompleteBody', 'You did not provide the number of bytes specified by the x-amz-decoded-content-length header');
  }
  if (expect.contentMd5 && digests.md5 && !digests.md5.result().equals(expect.contentMd5)) {
    throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.');
  }
  if (expect.checksum && digests.checksum) {
    const { header, algorithm } = expect.checksum;
    const expected = expect.checksum.expected ?? decodeBase64(trailers?.get(header) ?? '', digestLength(algorithm));
    if (!expected) throw new S3Error('InvalidRequest', `The aws-chunked trailer is missing a valid ${header}.`);
    if (!digests.checksum.result().equals(expected)) {
      throw new S3Error('BadDigest', `The ${algorithm} you specified did not match the calculated checksum.`);
    }
  }
}
