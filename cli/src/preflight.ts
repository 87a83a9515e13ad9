import { open } from 'node:fs/promises';
import { isSupportedContentType, sniffContentType } from '../../client/src/index.js';
import { formatBytes } from './table.js';

/** S3's limit for one PUT (the presigned upload is one PUT). */
export const MAX_PICTURE_BYTES = 5 * 1024 ** 3;

const NAMES: Record<string, string> = { 'image/gif': 'a GIF', 'image/webp': 'a WebP image', 'image/heic': 'a HEIC/HEIF image' };

/**
 * Why a file cannot be uploaded, found before any request (type by its first bytes, not its
 * name; size), or undefined when it can. The API would refuse the same files, later and with
 * less to say.
 */
export const preflightProblem = async (path: string): Promise<string | undefined> => {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    if (size === 0) return 'the file is empty';
    if (size > MAX_PICTURE_BYTES) return `the file is ${formatBytes(size)}, larger than one upload may be (${formatBytes(MAX_PICTURE_BYTES)})`;
    const head = new Uint8Array(16);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    const type = sniffContentType(head.subarray(0, bytesRead));
    if (type && isSupportedContentType(type)) return undefined;
    return `${type ? `it is ${NAMES[type] ?? type}` : 'it is not a picture'}, not a JPEG or PNG (the API accepts image/jpeg and image/png)`;
  } finally {
    await file.close();
  }
};
