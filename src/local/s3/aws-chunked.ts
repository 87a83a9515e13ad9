import { S3Error } from './errors.js';

/**
 * Incremental decoder of the `aws-chunked` content encoding used with
 * STREAMING-UNSIGNED-PAYLOAD-TRAILER: `<hex size>[;ext]\r\n<data>\r\n` … `0\r\n<trailer lines>\r\n`.
 * Feed it the raw body piece by piece; it hands back the decoded payload pieces.
 */
const MAX_LINE_LENGTH = 8 * 1024;
const CRLF = Buffer.from('\r\n');

type State = 'size-line' | 'data' | 'data-end' | 'trailer' | 'done';

function malformed(detail: string): S3Error {
  return new S3Error('InvalidRequest', `Malformed aws-chunked body: ${detail}.`);
}

export class AwsChunkedDecoder {
  private state: State = 'size-line';
  private pending: Buffer = Buffer.alloc(0);
  private remainingInChunk = 0;
  private readonly trailerFields = new Map<string, string>();

  /** Trailer fields (lower-case names), available once the body ended. */
  get trailers(): ReadonlyMap<string, string> {
    return this.trailerFields;
  }

  push(input: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let buffer = this.pending.length > 0 ? Buffer.concat([this.pending, input]) : input;
    for (;;) {
      if (this.state === 'data') {
        if (buffer.length === 0) break;
        const take = Math.min(this.remainingInChunk, buffer.length);
        out.push(buffer.subarray(0, take));
        buffer = buffer.subarray(take);
        this.remainingInChunk -= take;
        if (this.remainingInChunk === 0) this.state = 'data-end';
        continue;
      }
      if (this.state === 'done') {
        if (buffer.some((byte) => byte !== 0x0d && byte !== 0x0a)) throw malformed('data after the final chunk');
        buffer = Buffer.alloc(0);
        break;
      }
      const lineEnd = buffer.indexOf(CRLF);
      if (lineEnd === -1) {
        if (buffer.length > MAX_LINE_LENGTH) throw malformed('line too long');
        break;
      }
      const line = buffer.subarray(0, lineEnd).toString('latin1');
      buffer = buffer.subarray(lineEnd + 2);
      this.consumeLine(line);
    }
    this.pending = Buffer.from(buffer);
    return out;
  }

  /** Throws unless the body ended exactly after the last chunk and its trailers. */
  finish(): void {
    if (this.state !== 'done') throw new S3Error('IncompleteBody', 'The request body terminated unexpectedly');
  }

  private consumeLine(line: string): void {
    switch (this.state) {
      case 'size-line': {
        const sizeText = line.split(';', 1)[0]?.trim() ?? '';
        if (!/^[0-9a-fA-F]{1,16}$/.test(sizeText)) throw malformed(`invalid chunk size "${sizeText}"`);
        if (line.includes('chunk-signature=')) {
          throw new S3Error('NotImplemented', 'Signed aws-chunked payloads are not supported by the local S3.');
        }
        this.remainingInChunk = parseInt(sizeText, 16);
        this.state = this.remainingInChunk === 0 ? 'trailer' : 'data';
        return;
      }
      case 'data-end':
        if (line !== '') throw malformed('chunk data longer than its declared size');
        this.state = 'size-line';
        return;
      case 'trailer': {
        if (line === '') {
          this.state = 'done';
          return;
        }
        const colon = line.indexOf(':');
        if (colon <= 0) throw malformed('invalid trailer line');
        this.trailerFields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
        return;
      }
      default:
        throw malformed('unexpected line');
    }
  }
}
