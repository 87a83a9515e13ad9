/** `travellog scan -l`: one line per image — status, labels, and the thumbnail's URL when variants exist. */
import pLimit from 'p-limit';
import type { ImageRecord, NodeClient } from '../../client/src/index.js';
import { describeError } from './errors.js';
import { colorsFor, widthOf, type Io } from './io.js';
import { shortFileName, table } from './table.js';

/** Labels as "Person 92, Dog 80 +2" (the strongest first; `--wide` lists them all). */
const labelsOf = (r: ImageRecord, all: boolean): string => {
  const labels = [...r.rekognition_results].sort((a, b) => b.confidence - a.confidence);
  if (!labels.length) return '—';
  const shown = all ? labels : labels.slice(0, 3);
  const rest = labels.length - shown.length;
  return `${shown.map((l) => `${l.name} ${Math.round(l.confidence)}`).join(', ')}${rest ? ` +${rest}` : ''}`;
};

/**
 * The thumbnail through the API (`GET /obtain/{file}?variant=thumb`, the owner's token needed),
 * only when the record lists a `thumb` variant: a presigned URL would expire in seconds.
 */
const thumbnailOf = (r: ImageRecord, apiUrl: string): string | undefined => {
  const variants = (r as { variants?: Record<string, unknown> }).variants;
  return variants && 'thumb' in variants ? `${apiUrl.replace(/\/$/, '')}/obtain/${encodeURIComponent(r.file_name)}?variant=thumb` : undefined;
};

export const printLongListing = async (client: NodeClient, names: string[], o: { apiUrl: string; wide: boolean; color: boolean }, io: Io): Promise<void> => {
  const c = colorsFor(io.stdout, io.env, o.color);
  const limit = pLimit(8);
  const records = await Promise.all(names.map((n) => limit(() => client.status(n).catch((e: unknown) => ({ error: describeError(e).message })))));
  const paint = (status: string) =>
    status === 'approved' ? c.green(status) : status === 'under_review' ? c.yellow(status) : status === 'rejected' || status === 'failed' ? c.red(status) : status;
  const thumbs = records.map((r) => ('error' in r ? undefined : thumbnailOf(r, o.apiUrl)));
  const withThumbs = thumbs.some(Boolean);
  const rows = records.map((r, i) => {
    const name = o.wide ? names[i]! : shortFileName(names[i]!);
    if ('error' in r) return [name, c.red('error'), r.error, ...(withThumbs ? [''] : [])];
    return [name, paint(r.status), labelsOf(r, o.wide), ...(withThumbs ? [thumbs[i] ?? '—'] : [])];
  });
  const header = ['file_name', 'status', 'labels', ...(withThumbs ? ['thumbnail'] : [])];
  io.stdout.write(`${table(header, rows, { ...(o.wide ? {} : { width: widthOf(io.stdout), shrinkable: [2] }), paintHeader: c.bold })}\n`);
};
