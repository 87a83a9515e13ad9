/**
 * The user's images: names from `GET /scan` (no grouping), each record from
 * `GET /images/{file}` and a thumbnail URL from `GET /obtain/{file}?variant=thumb` in
 * JSON mode (a ≤ 320 px JPEG: a page of 24 is a few hundred KB, not the originals),
 * loaded a few at a time. Records and thumbnails are shared with the search panel.
 */
import pLimit from 'p-limit';
import { reactive } from 'vue';
import type { ImageRecord } from './api.js';
import { describeError } from './errors.js';
import { api, session } from './session.js';

export const PAGE_SIZE = 24;
/** Images asked of `GET /scan` at a time: a few screens ahead of what is shown. */
const API_PAGE = 240;

export interface Thumb {
  url?: string;
  /** When the presigned URL stops working (ms since the epoch). */
  expiresAt?: number;
  error?: string;
}

export const gallery = reactive({
  files: [] as string[],
  /** Every image of the user (`total_count`); `files` holds the API pages fetched so far. */
  total: 0,
  /** The API's next page, fetched when "Show more" runs past `files`. */
  nextToken: null as string | null,
  shown: PAGE_SIZE,
  loading: false,
  loaded: false,
  error: '',
  records: {} as Record<string, ImageRecord>,
  thumbs: {} as Record<string, Thumb>,
  /** Deleted in this session: other lists (search results) leave them out. */
  deleted: new Set<string>(),
});

const limit = pLimit(4);

/** No thumb yet (still analysing) or ever (failed): say so instead of fetching the original. */
const thumbError = (e: unknown): string => {
  if ((e as { code?: string }).code === 'variant_not_ready') return 'No thumbnail yet';
  return describeError(e, session.config?.apiUrl);
};
const inFlight = new Map<string, Promise<void>>();

/** Loads (or refreshes) one image's record and thumbnail URL. */
export const loadImage = (file: string, { force = false } = {}): Promise<void> => {
  const running = inFlight.get(file);
  if (running && !force) return running;
  const job = limit(async () => {
    const client = api();
    const [record, url] = await Promise.allSettled([client.status(file), client.obtainUrl(file, { variant: 'thumb' })]);
    if (record.status === 'fulfilled') gallery.records[file] = record.value;
    if (url.status === 'fulfilled') gallery.thumbs[file] = { url: url.value.url, expiresAt: Date.now() + url.value.expires_in * 1000 };
    else gallery.thumbs[file] = { error: thumbError(url.reason) };
  }).finally(() => inFlight.delete(file));
  inFlight.set(file, job);
  return job;
};

/** A thumbnail whose URL expired (an <img> error): asks /obtain again, once per expiry. */
export const refreshThumb = (file: string): void => {
  const t = gallery.thumbs[file];
  if (t?.expiresAt && t.expiresAt > Date.now()) {
    gallery.thumbs[file] = { error: 'The picture could not be displayed.' };
    return;
  }
  void loadImage(file, { force: true });
};

export const loadGallery = async (): Promise<void> => {
  gallery.loading = true;
  gallery.error = '';
  try {
    const result = await api().scan({}, { limit: API_PAGE });
    gallery.files = result.images;
    gallery.total = result.total_count;
    gallery.nextToken = result.next_token;
    gallery.loaded = true;
    await Promise.all(gallery.files.slice(0, gallery.shown).map((f) => loadImage(f, { force: true })));
  } catch (e) {
    gallery.error = describeError(e, session.config?.apiUrl);
  } finally {
    gallery.loading = false;
  }
};

export const showMore = async (): Promise<void> => {
  const from = gallery.shown;
  gallery.shown += PAGE_SIZE;
  if (gallery.shown > gallery.files.length && gallery.nextToken) {
    try {
      const next = await api().scan({}, { limit: API_PAGE, nextToken: gallery.nextToken });
      const have = new Set(gallery.files);
      gallery.files = [...gallery.files, ...next.images.filter((f) => !have.has(f) && !gallery.deleted.has(f))];
      gallery.nextToken = next.next_token;
    } catch (e) {
      gallery.error = describeError(e, session.config?.apiUrl);
    }
  }
  await Promise.all(gallery.files.slice(from, gallery.shown).map((f) => loadImage(f)));
};

/** After DELETE: gone from every list. */
export const forget = (file: string): void => {
  gallery.deleted.add(file);
  if (gallery.files.includes(file)) gallery.total = Math.max(0, gallery.total - 1);
  gallery.files = gallery.files.filter((f) => f !== file);
  delete gallery.records[file];
  delete gallery.thumbs[file];
};

export const resetGallery = (): void => {
  gallery.files = [];
  gallery.total = 0;
  gallery.nextToken = null;
  gallery.shown = PAGE_SIZE;
  gallery.loaded = false;
  gallery.error = '';
  gallery.records = {};
  gallery.thumbs = {};
  gallery.deleted = new Set();
};
