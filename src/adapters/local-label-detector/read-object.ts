/**
 * The worker thread's first step: the object through the S3 API, as Rekognition reads it, with its
 * errors mapped like Rekognition's; only JPEG and PNG go on to the decoder. Runs in the worker, so
 * the stack's main thread neither reads nor holds the bytes.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ImageNotAnalysableError } from '../../ports/label-detector.js';
import { INVALID_FORMAT, isJpegOrPng } from './image.js';
import type { ToWorker } from './protocol.js';

/** S3's answers for an object that is not there: the image's fault (InvalidS3ObjectException), never retried. */
const NOT_FOUND = new Set(['NoSuchKey', 'NotFound', 'NoSuchBucket']);

/** Thrown for any other S3 failure (throttling, network, credentials): retryable, with the SDK's error name kept. */
export class ObjectReadError extends Error {
  constructor(readonly sdkName: string, message: string) {
    super(message);
    this.name = 'ObjectReadError';
  }
}

const readError = (e: unknown) => (e instanceof Error ? new ObjectReadError(e.name, e.message) : new ObjectReadError('Error', String(e)));

/** The object's bytes, at most maxObjectBytes (ImageTooLargeException beyond). */
export const readObject = async (s3: S3Client, bucket: string, key: string, maxObjectBytes: number): Promise<Uint8Array> => {
  let res;
  try {
    res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  } catch (e) {
    const name = e instanceof Error ? e.name : 'Error';
    if (NOT_FOUND.has(name)) throw new ImageNotAnalysableError(`InvalidS3ObjectException: Unable to get object ${key} from S3 (${name})`);
    throw readError(e);
  }
  const tooLarge = () => new ImageNotAnalysableError(`ImageTooLargeException: the object is larger than ${maxObjectBytes} bytes`);
  if ((res.ContentLength ?? 0) > maxObjectBytes) {
    (res.Body as { destroy?: () => void } | undefined)?.destroy?.();
    throw tooLarge();
  }
  if (!res.Body) throw new ImageNotAnalysableError(`InvalidS3ObjectException: the object ${key} has no body`);
  const bytes = await res.Body.transformToByteArray().catch((e: unknown) => {
    throw readError(e); // the connection dropped mid-body: retryable
  });
  if (bytes.length > maxObjectBytes) throw tooLarge();
  return bytes;
};

/** The encoded image a message names: read from S3, or the bytes it carries; JPEG or PNG only (no need to decode anything else). */
export const encodedImage = async (m: ToWorker, s3: () => S3Client, maxObjectBytes: number): Promise<Uint8Array> => {
  const bytes = m.type === 'object' ? await readObject(s3(), m.bucket, m.key, maxObjectBytes) : m.bytes;
  if (!isJpegOrPng(bytes)) throw new ImageNotAnalysableError(INVALID_FORMAT);
  return bytes;
};
