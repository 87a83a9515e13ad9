import { createHash, type Hash } from 'node:crypto';
import { crc32 } from 'node:zlib';

/** Incremental digests of a request body, for the integrity checks S3 performs. */
export interface Digest {
  update(data: Buffer): void;
  /** Digest bytes, as S3 compares them (base64 of these in x-amz-checksum-*). */
  result(): Buffer;
}

export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'SHA1' | 'SHA256';

/** Flexible-checksum header name → algorithm (CRC64NVME is not implemented locally). */
/** A Map: it is looked up with names taken from the request (`x-amz-trailer: constructor`). */
export const CHECKSUM_HEADERS: ReadonlyMap<string, ChecksumAlgorithm> = new Map([
  ['x-amz-checksum-crc32', 'CRC32'],
  ['x-amz-checksum-crc32c', 'CRC32C'],
  ['x-amz-checksum-sha1', 'SHA1'],
  ['x-amz-checksum-sha256', 'SHA256'],
]);
export const UNSUPPORTED_CHECKSUM_HEADERS = new Set(['x-amz-checksum-crc64nvme']);

const DIGEST_LENGTH: Record<ChecksumAlgorithm, number> = { CRC32: 4, CRC32C: 4, SHA1: 20, SHA256: 32 };

export function digestLength(algorithm: ChecksumAlgorithm): number {
  return DIGEST_LENGTH[algorithm];
}

function hashDigest(hash: Hash): Digest {
  return { update: (data) => hash.update(data), result: () => hash.digest() };
}

function uint32BigEndian(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out;
}

function crc32Digest(): Digest {
  let value = 0;
  return { update: (data) => (value = crc32(data, value)), result: () => uint32BigEndian(value) };
}

/** Castagnoli polynomial (reflected), which Node has no built-in for. */
const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32cDigest(): Digest {
  let crc = 0xffffffff;
  return {
    update(data) {
      for (const byte of data) crc = (CRC32C_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
    },
    result: () => uint32BigEndian(crc ^ 0xffffffff),
  };
}

export function createDigest(algorithm: ChecksumAlgorithm | 'MD5'): Digest {
  switch (algorithm) {
    case 'CRC32':
      return crc32Digest();
    case 'CRC32C':
      return crc32cDigest();
    case 'SHA1':
      return hashDigest(createHash('sha1'));
    case 'SHA256':
      return hashDigest(createHash('sha256'));
    case 'MD5':
      return hashDigest(createHash('md5'));
  }
}

/** Strict base64 decoding; undefined when the text is not base64 of the expected length. */
export function decodeBase64(text: string, expectedLength: number): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === expectedLength ? bytes : undefined;
}
