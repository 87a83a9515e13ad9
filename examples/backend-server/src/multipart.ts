/**
 * Reads a multipart post: its fields, and each picture hashed (SHA-256) while
 * it arrives. Pictures are held in memory only until they are uploaded —
 * nothing is written to the app server's disk — so their size is bounded.
 */
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import busboy from 'busboy';
import { sniffContentType } from '../../../client/src/index.js';
import { HttpError } from './errors.js';

export interface ReceivedPicture {
  field: string;
  filename: string;
  /** From the bytes when they tell (JPEG, PNG…), else what the browser declared. */
  contentType: string;
  bytes: Buffer;
  sha256: string;
}

export interface ReceivedForm {
  fields: Record<string, string>;
  pictures: ReceivedPicture[];
}

export interface Limits {
  /** Per picture, bytes. */
  maxPictureBytes: number;
  maxPictures: number;
}

export const readMultipart = (req: Request, limits: Limits): Promise<ReceivedForm> =>
  new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: { fileSize: limits.maxPictureBytes, files: limits.maxPictures, fields: 20, fieldSize: 20_000, parts: limits.maxPictures + 20 },
      });
    } catch {
      reject(new HttpError(400, 'not_multipart', 'Send the post as multipart/form-data with one or more "pictures" files.'));
      return;
    }
    const fields: Record<string, string> = {};
    const pictures: ReceivedPicture[] = [];
    let failure: HttpError | undefined;
    const fail = (e: HttpError) => {
      failure ??= e;
    };
    const files: Promise<void>[] = [];
    bb.on('field', (name, value) => {
      fields[name] = value;
    });
    bb.on('file', (field, stream, info) => {
      const hash = createHash('sha256');
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        hash.update(c);
        chunks.push(c);
        size += c.length;
      });
      stream.on('limit', () => fail(new HttpError(413, 'picture_too_large', `${info.filename} is larger than ${limits.maxPictureBytes} bytes.`)));
      const index = files.length;
      files.push(
        new Promise<void>((done) =>
          stream.on('end', () => {
            if (!failure && size > 0) {
              const bytes = Buffer.concat(chunks, size);
              pictures[index] = {
                field,
                filename: info.filename ?? 'picture',
                contentType: sniffContentType(bytes.subarray(0, 16)) ?? info.mimeType,
                bytes,
                sha256: hash.digest('hex'),
              };
            }
            done();
          }),
        ),
      );
    });
    bb.on('filesLimit', () => fail(new HttpError(413, 'too_many_pictures', `At most ${limits.maxPictures} pictures per request.`)));
    bb.on('error', (e: Error) => reject(new HttpError(400, 'bad_multipart', `Malformed multipart body: ${e.message}`)));
    bb.on('close', () => {
      void Promise.all(files).then(() => (failure ? reject(failure) : resolve({ fields, pictures: pictures.filter(Boolean) })));
    });
    req.pipe(bb);
  });
