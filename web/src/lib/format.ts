import prettyBytes from 'pretty-bytes';
import { FINAL_STATUSES, type ImageStatus } from './api.js';

export const formatBytes = (n: number | null | undefined): string => (n === null || n === undefined ? '—' : prettyBytes(n));

export const percent = (part: number, whole: number | undefined): number =>
  whole ? Math.min(100, Math.max(0, Math.round((part / whole) * 100))) : 0;

export const formatDate = (iso: string | null | undefined): string => {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
};

/** What each status means to a person (the moderation state included). */
export const STATUS_TEXT: Record<ImageStatus, { label: string; help: string }> = {
  waiting: { label: 'Waiting', help: 'Registered; the upload has not arrived yet.' },
  analysing: { label: 'Analysing', help: 'Uploaded; the label detector is looking at it.' },
  approved: { label: 'Approved', help: 'Analysed; the moderated label was not found.' },
  under_review: { label: 'Under review', help: 'The moderated label was seen with medium confidence: a person should check it.' },
  rejected: { label: 'Rejected', help: 'The moderated label was seen with high confidence.' },
  failed: { label: 'Failed', help: 'The picture could not be analysed.' },
};

export const isFinal = (s: ImageStatus | undefined): boolean => s !== undefined && FINAL_STATUSES.includes(s);

/** `456-<64 hex>.png` → `456-1a2b3c…9f.png`, for narrow places (the full name stays in `title`). */
export const shortFileName = (name: string): string => name.replace(/^([^-]+-)([0-9a-f]{6})[0-9a-f]{52}([0-9a-f]{6})/, '$1$2…$3');

/** "the token expired …" → "The token expired ….". */
export const sentence = (s: string): string => `${s.charAt(0).toUpperCase()}${s.slice(1)}${/[.!?]$/.test(s) ? '' : '.'}`;
