import { DomainError } from './errors.js';

import { CONTENT_TYPES, USER_ID_PATTERN, type ContentType, type Extension } from '../wire/constants.js';

export { CONTENT_TYPES, IMAGE_HASH_PATTERN, USER_ID_PATTERN, type ContentType, type Extension } from '../wire/constants.js';

export const EXTENSIONS: readonly Extension[] = Object.values(CONTENT_TYPES);

export const contentTypeOf = (ext: Extension): ContentType =>
  (Object.keys(CONTENT_TYPES) as ContentType[]).find((t) => CONTENT_TYPES[t] === ext)!;

export interface ImageName {
  userId: string;
  imageHash: string;
  extension: Extension;
}

// Right-anchored: the hash is the 64 hex characters just before the extension,
// the user id is everything before the '-' that precedes the hash. User ids may
// themselves contain '-', so a left-anchored split would let "45" claim "45-6-…".
const FILE_NAME = /^(.+)-([0-9a-f]{64})\.(jpg|png)$/;
const IMAGE_KEY = /^([0-9a-f]{64})\.(jpg|png)$/;

export const isValidUserId = (id: string): boolean => USER_ID_PATTERN.test(id);

/** `"<user_id>-<image_hash>.<ext>"` — the S3 object key and the API's file name. */
export const formatFileName = ({ userId, imageHash, extension }: ImageName): string =>
  `${userId}-${imageHash}.${extension}`;

/** `"<image_hash>.<ext>"` — the table's partition key, shared by every user of the image. */
export const formatImageKey = ({ imageHash, extension }: Pick<ImageName, 'imageHash' | 'extension'>): string =>
  `${imageHash}.${extension}`;

/** Parses a file name; returns undefined when it is not one of ours. */
export const tryParseFileName = (fileName: string): ImageName | undefined => {
  if (fileName.length > 256) return undefined;
  const m = FILE_NAME.exec(fileName);
  if (!m) return undefined;
  const [, userId, imageHash, extension] = m as unknown as [string, string, string, Extension];
  if (!isValidUserId(userId)) return undefined;
  return { userId, imageHash, extension };
};

export const parseFileName = (fileName: string): ImageName => {
  const parsed = tryParseFileName(fileName);
  if (!parsed) {
    throw new DomainError(
      'invalid_file_name',
      'File name must look like "<user_id>-<64 hex sha256>.<jpg|png>".',
    );
  }
  return parsed;
};

export const parseImageKey = (imageKey: string): Pick<ImageName, 'imageHash' | 'extension'> | undefined => {
  const m = IMAGE_KEY.exec(imageKey);
  return m ? { imageHash: m[1]!, extension: m[2] as Extension } : undefined;
};

/** SHA-256 hex → the base64 form S3's `x-amz-checksum-sha256` header carries. */
export const hashToChecksum = (imageHash: string): string => Buffer.from(imageHash, 'hex').toString('base64');
