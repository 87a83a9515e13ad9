/**
 * The upload queue: each picture is hashed (SHA-256, with progress), registered
 * (`POST /receiver`), PUT to its presigned URL (with progress), then watched
 * (`GET /images/{file}`) until its analysis ends — a few pictures at a time.
 */
import pLimit from 'p-limit';
import { markRaw, reactive } from 'vue';
import { isSupportedContentType, MAX_ORIGINAL_BYTES, type ImageRecord, type ImageStatus, type UploadMeta } from './api.js';
import { describeError, isAbort } from './errors.js';
import { api, session } from './session.js';

/** Rekognition analyses S3 objects up to 15 MB. */
const ACCEPTED = 'JPEG and PNG';

export type Phase = 'queued' | 'hashing' | 'registering' | 'uploading' | ImageStatus | 'error' | 'cancelled';

export interface UploadItem {
  id: number;
  file: File;
  name: string;
  size: number;
  meta: UploadMeta;
  phase: Phase;
  hashed: number;
  sent: number;
  fileName?: string;
  record?: ImageRecord;
  error?: string;
  warning?: string;
  controller: AbortController;
}

/** The fields of the upload form, shared by every picture of a batch. */
export interface BatchFields {
  post_id: number;
  trip_id: number | null;
  location_id: number | null;
  content: string;
  /** The first picture gets this picture_id, the next one +1… */
  first_picture_id: number;
}

export const uploads = reactive({ items: [] as UploadItem[], nextPictureId: 1 });

let nextId = 1;
const limit = pLimit(3);
/** Listeners for "an upload finished" (the gallery refreshes). */
const finished = new Set<(item: UploadItem) => void>();
export const onUploadFinished = (f: (item: UploadItem) => void): (() => void) => {
  finished.add(f);
  return () => finished.delete(f);
};

/** Refuses what cannot be analysed before reading a byte; undefined when fine. */
export const precheck = (file: File): string | undefined => {
  if (file.size === 0) return 'The file is empty.';
  if (file.size > MAX_ORIGINAL_BYTES) return 'Over 50 MB: the largest picture accepted is 50 MB.';
  if (!file.type || isSupportedContentType(file.type)) return undefined; // no type: the bytes will tell
  return file.type.startsWith('image/')
    ? `${file.type} is not accepted: only ${ACCEPTED} pictures are analysed.`
    : `${file.type} is not a picture: only ${ACCEPTED} pictures are accepted.`;
};

const run = async (item: UploadItem): Promise<void> => {
  const client = api();
  const signal = item.controller.signal;
  try {
    item.phase = 'hashing';
    // The client hands the File to its hashing worker: the page's thread never reads the bytes.
    const prepared = await client.hashPicture(item.file, { signal, onProgress: (p) => (item.hashed = p.loaded) });
    if (!isSupportedContentType(prepared.content_type)) {
      throw new Error(`The bytes are ${prepared.content_type === 'application/octet-stream' ? 'not a known picture format' : prepared.content_type}: only ${ACCEPTED} pictures are analysed.`);
    }
    const result = await client.uploadPrepared(prepared, item.meta, {
      signal,
      onProgress: (p) => {
        if (p.phase === 'registering') item.phase = 'registering';
        if (p.phase === 'uploading') {
          item.phase = 'uploading';
          item.sent = p.loaded;
        }
        if (p.phase === 'done') item.sent = item.size;
      },
    });
    item.fileName = result.file_name;
    if (!result.uploaded) item.warning = 'You had uploaded this picture before: it was not sent again.';
    item.phase = 'waiting';
  } catch (e) {
    item.phase = isAbort(e) || signal.aborted ? 'cancelled' : 'error';
    item.error = item.phase === 'cancelled' ? 'Cancelled.' : describeError(e, session.config?.apiUrl);
    return;
  }
  await watch(item);
};

/** Polls the record until a final status (no page reload needed). */
const watch = async (item: UploadItem): Promise<void> => {
  try {
    const record = await api().waitForAnalysis(item.fileName!, {
      signal: item.controller.signal,
      timeoutMs: 10 * 60_000,
      intervalMs: 400,
      maxIntervalMs: 3_000,
      onStatus: (r) => {
        item.record = r;
        item.phase = r.status;
      },
    });
    item.record = record;
    item.phase = record.status;
    for (const f of finished) f(item);
  } catch (e) {
    if (isAbort(e) || item.controller.signal.aborted) return; // stopped watching; the gallery still shows it
    item.phase = 'error';
    item.error = describeError(e, session.config?.apiUrl);
  }
};

/** Queues pictures with the batch's fields; picture ids follow `first_picture_id`, over the accepted pictures only. */
export const enqueue = (files: File[], fields: BatchFields): UploadItem[] => {
  let pictureId = fields.first_picture_id;
  const added = files.map((file) => {
    const refused = precheck(file);
    const item = reactive<UploadItem>({
      id: nextId++,
      file: markRaw(file),
      name: file.name,
      size: file.size,
      meta: {
        post_id: fields.post_id,
        // A refused file is never registered: its row shows why, and it takes no picture id.
        picture_id: refused ? 0 : pictureId++,
        trip_id: fields.trip_id,
        location_id: fields.location_id,
        content: fields.content,
      },
      phase: 'queued',
      hashed: 0,
      sent: 0,
      controller: markRaw(new AbortController()),
    }) as UploadItem;
    if (refused) {
      item.phase = 'error';
      item.error = refused;
    }
    uploads.items.unshift(item);
    return item;
  });
  uploads.nextPictureId = pictureId;
  for (const item of added) if (item.phase === 'queued') void limit(() => (item.controller.signal.aborted ? Promise.resolve() : run(item)));
  return added;
};

export const cancel = (item: UploadItem): void => {
  item.controller.abort(new DOMException('Cancelled', 'AbortError'));
  if (item.phase === 'queued') {
    item.phase = 'cancelled';
    item.error = 'Cancelled.';
  }
};

/** Forgets finished, failed and cancelled rows. */
export const clearDone = (): void => {
  uploads.items = uploads.items.filter((i) => !(['approved', 'under_review', 'rejected', 'failed', 'error', 'cancelled'] as Phase[]).includes(i.phase));
};

/** Stops everything (sign-out). */
export const resetUploads = (): void => {
  for (const item of uploads.items) item.controller.abort(new DOMException('Signed out', 'AbortError'));
  uploads.items = [];
};
