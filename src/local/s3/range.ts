import { Transform } from 'node:stream';
import parseRange from 'range-parser';
import { S3Error } from './errors.js';

/**
 * A GET's `Range` header answered as S3 does (RFC 9110 single ranges): one satisfiable range →
 * 206 with `Content-Range`; a range that overlaps nothing (any range of an empty object) → 416
 * InvalidRange; a malformed header or several ranges → ignored, the whole object (S3 serves one
 * range per GET). Resolved here because s3rver answers `bytes=0-0` with the whole object and a
 * range of an empty object with a length it never sends.
 */
export type RangeAnswer = { kind: 'whole' } | { kind: 'part'; start: number; end: number };

export function resolveRange(header: string | undefined, size: number): RangeAnswer {
  if (header === undefined) return { kind: 'whole' };
  const ranges = parseRange(size, header);
  if (ranges === -2 || (ranges !== -1 && (ranges.type !== 'bytes' || ranges.length !== 1))) return { kind: 'whole' };
  if (ranges === -1) {
    throw new S3Error('InvalidRange', 'The requested range is not satisfiable', { RangeRequested: header, ActualObjectSize: String(size) });
  }
  const { start, end } = ranges[0]!;
  return { kind: 'part', start, end };
}

/** The range asked of s3rver: never ending at byte 0, which it reads as "to the end". */
export const storeRangeHeader = (part: { start: number; end: number }): string => `bytes=${part.start}-${Math.max(part.end, 1)}`;

/** Passes the first `n` bytes and drops the rest (at most the one extra byte storeRangeHeader asked for). */
export function firstBytes(n: number): Transform {
  let left = n;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const piece = left > 0 ? chunk.subarray(0, left) : undefined;
      left -= piece?.length ?? 0;
      done(null, piece);
    },
  });
}
