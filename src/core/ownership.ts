import { DomainError } from './errors.js';
import { formatImageKey, parseFileName, type ImageName } from './file-name.js';

/**
 * A file name the token's user may act on: unparseable → 400, another user's →
 * 401 whether or not it exists (exact match: "45" never owns "456-…").
 */
export const ownedFileName = (raw: string, userId: string): ImageName & { fileName: string; imageKey: string } => {
  const name = parseFileName(raw);
  if (name.userId !== userId) throw new DomainError('unauthorized', 'This image belongs to another user.');
  return { ...name, fileName: raw, imageKey: formatImageKey(name) };
};
