/**
 * The upload pipeline: hash a picture as a stream (SHA-256) and sniff its type,
 * register it (`POST /receiver`), PUT it to the presigned URL with exactly
 * `upload_headers` (a fresh URL once if it expired), and the bulk form with
 * bounded concurrency and in-batch duplicates uploaded once.
 */
import pLimit from 'p-limit';
import { NetworkError, NotFoundError, parseS3Error, PictureChangedError, TravelLogError, UploadRefusedError } from './errors.js';
import type {
  BulkItem,
  BulkOptions,
  BulkOutcome,
  CallOptions,
  ClientOptions,
  Platform,
  PreparedPicture,
  PutAnswer,
  UploadMeta,
  UploadOptions,
  UploadProgress,
  UploadResult,
} from './options.js';
import { contentTypeFromName, sniffContentType, type PictureSource } from './source.js';
import { describeNetworkError, fetchPut, imagePath, type Transport } from './transport.js';
import type { ImageRecord, ReceiverRequest, ReceiverResponse } from './types.js';

export const createUploadPipeline = <I>(platform: Platform, t: Transport, options: ClientOptions) => {
  const { call, retrying, userId, fetchImpl } = t;
  const put = platform.put ?? fetchPut;

  const hashPicture = async (input: I | PictureSource, o: { onProgress?: (p: UploadProgress) => void; signal?: AbortSignal; name?: string } = {}): Promise<PreparedPicture> => {
    const source = await platform.resolveInput(input, o.name);
    if (!source) throw new TypeError('Unsupported picture source: pass a file path (Node), a Blob/File, bytes, or a PictureSource');
    const hasher = await platform.createHasher();
    const blob = hasher.digestBlob && source.uploadBody?.();
    if (blob) {
      // The hasher reads the Blob the PUT will send (in the browser: in its worker, Web Crypto when it fits).
      if (source.size !== undefined && source.size !== blob.size) {
        throw new PictureChangedError(`${source.name ?? 'The picture'} changed while it was read (${source.size} bytes expected, ${blob.size} found)`);
      }
      const head = new Uint8Array(await blob.slice(0, 16).arrayBuffer());
      if (o.signal?.aborted) throw o.signal.reason;
      const onProgress = (loaded: number) => o.onProgress?.({ phase: 'hashing', loaded, total: blob.size });
      const image_hash = await hasher.digestBlob!(blob, { onProgress, signal: o.signal });
      const content_type = sniffContentType(head) ?? contentTypeFromName(source.name) ?? 'application/octet-stream';
      const sized: PictureSource = { name: source.name, size: blob.size, stream: () => source.stream(), uploadBody: () => blob };
      return { source: sized, name: source.name, image_hash, content_type, size: blob.size };
    }
    const reader = source.stream().getReader();
    let size = 0;
    const head = new Uint8Array(16);
    let headLength = 0;
    try {
      for (;;) {
        if (o.signal?.aborted) throw o.signal.reason;
        const { done, value } = await reader.read();
        if (done) break;
        if (headLength < head.length) {
          const take = Math.min(head.length - headLength, value.length);
          head.set(value.subarray(0, take), headLength);
          headLength += take;
        }
        await hasher.update(value);
        size += value.length;
        o.onProgress?.({ phase: 'hashing', loaded: size, total: source.size });
      }
    } catch (e) {
      await reader.cancel().catch(() => undefined);
      throw e;
    } finally {
      reader.releaseLock();
    }
    if (source.size !== undefined && source.size !== size) {
      throw new PictureChangedError(`${source.name ?? 'The picture'} changed while it was read (${source.size} bytes expected, ${size} read)`);
    }
    const content_type = sniffContentType(head.subarray(0, headLength)) ?? contentTypeFromName(source.name) ?? 'application/octet-stream';
    const sized: PictureSource = { name: source.name, size, stream: () => source.stream() };
    if (source.uploadBody) sized.uploadBody = () => source.uploadBody!();
    return { source: sized, name: source.name, image_hash: await hasher.digestHex(), content_type, size };
  };

  /** `POST /receiver` (idempotent: a repeat answers 200 and keeps the analysis, so it is retried). */
  const register = async (body: ReceiverRequest, o: CallOptions = {}): Promise<ReceiverResponse & { created: boolean }> => {
    const res = await call({ method: 'POST', path: '/receiver', body, retry: true, operation: 'register', signal: o.signal });
    return { ...(res.body as ReceiverResponse), created: res.status === 201 };
  };

  const status = async (fileName: string, o: CallOptions = {}): Promise<ImageRecord> =>
    (await call({ method: 'GET', path: imagePath('images', fileName), retry: true, operation: 'status', signal: o.signal })).body as ImageRecord;

  /** PUT with exactly `upload_headers`; S3 errors become UploadRefusedError with S3's code. */
  const putObject = async (reg: ReceiverResponse, prepared: PreparedPicture, o: UploadOptions): Promise<void> => {
    let answer: PutAnswer;
    try {
      answer = await put(
        {
          url: reg.upload_url,
          headers: { ...reg.upload_headers },
          source: prepared.source,
          size: prepared.size,
          onProgress: (loaded) => o.onProgress?.({ phase: 'uploading', loaded, total: prepared.size }),
          signal: o.signal,
        },
        fetchImpl,
      );
    } catch (e) {
      if (o.signal?.aborted) throw o.signal.reason;
      if (e instanceof TravelLogError) throw e;
      for (let c = (e as { cause?: unknown })?.cause; c; c = (c as { cause?: unknown }).cause) if (c instanceof PictureChangedError) throw c;
      throw new NetworkError(`Could not upload to ${new URL(reg.upload_url).origin} (${describeNetworkError(e)})`, reg.upload_url, { cause: e });
    }
    if (answer.status >= 200 && answer.status < 300) return;
    const { code, message } = parseS3Error(answer.text);
    throw new UploadRefusedError(
      `The upload of ${prepared.name ?? reg.file_name} was refused: ${code}: ${message}`,
      answer.status,
      code,
      message,
      answer.requestId,
    );
  };

  const uploadPrepared = async (prepared: PreparedPicture, meta: UploadMeta, o: UploadOptions = {}): Promise<UploadResult> => {
    const contentType = meta.content_type ?? prepared.content_type;
    const body: ReceiverRequest = {
      image_hash: prepared.image_hash,
      content_type: contentType,
      post_id: meta.post_id,
      user_id: await userId(meta),
      picture_id: meta.picture_id,
      // The receiver refuses an original over its maximum at once (413), and signs this length.
      byte_size: prepared.size,
      post: { trip_id: meta.trip_id ?? null, location_id: meta.location_id ?? null, content: meta.content ?? '' },
    };
    o.onProgress?.({ phase: 'registering', loaded: 0, total: prepared.size });
    let reg = await register(body, o);
    const created = reg.created;
    if (!created && o.skipIfUploaded !== false) {
      const stored = await status(reg.file_name, o).catch((e: unknown) => {
        if (e instanceof NotFoundError) return undefined;
        throw e;
      });
      if (stored && stored.status !== 'waiting') {
        o.onProgress?.({ phase: 'done', loaded: prepared.size, total: prepared.size });
        return { file_name: reg.file_name, image_hash: prepared.image_hash, content_type: reg.upload_headers['Content-Type'], size: prepared.size, created, uploaded: false };
      }
    }
    let renewed = false;
    await retrying(
      'upload',
      async () => {
        try {
          await putObject(reg, prepared, o);
        } catch (e) {
          // The URL lives SIGNED_URL_WRITE_EXPIRATION seconds: a slow start gets a fresh one, once.
          if (e instanceof UploadRefusedError && e.s3Code === 'AccessDenied' && /expired/i.test(e.s3Message) && !renewed) {
            renewed = true;
            reg = await register(body, o);
            await putObject(reg, prepared, o);
            return;
          }
          throw e;
        }
      },
      o.signal,
    );
    o.onProgress?.({ phase: 'done', loaded: prepared.size, total: prepared.size });
    return { file_name: reg.file_name, image_hash: prepared.image_hash, content_type: reg.upload_headers['Content-Type'], size: prepared.size, created, uploaded: true };
  };

    /**
     * Many pictures with bounded concurrency: all are hashed first, a picture repeated in the batch
     * (same SHA-256 and type) is uploaded once (`duplicate` for the others), one receiver call per
     * distinct picture. Never throws for a picture: each outcome says `uploaded`, `already_uploaded`,
     * `duplicate` or `failed`.
     */
  const uploadPictures = async (items: readonly BulkItem<I | PictureSource>[], o: BulkOptions = {}): Promise<BulkOutcome[]> => {
      const limit = pLimit(Math.max(1, o.concurrency ?? options.concurrency ?? 4));
      const prepared: (PreparedPicture | { error: unknown })[] = await Promise.all(
        items.map((item, index) =>
          limit(() =>
            hashPicture(item.source, { signal: o.signal, onProgress: (p) => o.onProgress?.(index, p) }).catch((error: unknown) => ({ error })),
          ),
        ),
      );
      const outcomes: BulkOutcome[] = new Array(items.length);
      const settle = (outcome: BulkOutcome) => {
        outcomes[outcome.index] = outcome;
        o.onSettled?.(outcome);
      };
      // One upload per distinct picture (same SHA-256 and type); the others follow their first.
      const keyOf = (p: PreparedPicture, index: number) => `${p.image_hash}:${items[index]!.meta.content_type ?? p.content_type}`;
      const firstOf = new Map<string, number>();
      const followers = new Map<number, number[]>();
      prepared.forEach((p, index) => {
        if ('error' in p) return;
        const first = firstOf.get(keyOf(p, index));
        if (first === undefined) firstOf.set(keyOf(p, index), index);
        else followers.set(first, [...(followers.get(first) ?? []), index]);
      });
      const nameOf = (index: number) => (prepared[index] as PreparedPicture).name;
      await Promise.all(
        prepared.map(async (p, index) => {
          if ('error' in p) return settle({ index, status: 'failed', error: p.error });
          if (firstOf.get(keyOf(p, index)) !== index) return; // settled with its first
          const outcome = await limit(async (): Promise<BulkOutcome> => {
            try {
              const result = await uploadPrepared(p, items[index]!.meta, { signal: o.signal, onProgress: (pr) => o.onProgress?.(index, pr) });
              return { index, name: p.name, status: result.uploaded ? 'uploaded' : 'already_uploaded', result };
            } catch (error) {
              return { index, name: p.name, status: 'failed', error };
            }
          });
          settle(outcome);
          for (const d of followers.get(index) ?? []) {
            settle(
              outcome.status === 'failed'
                ? { index: d, name: nameOf(d), status: 'failed', error: outcome.error, duplicateOf: index }
                : { index: d, name: nameOf(d), status: 'duplicate', result: outcome.result, duplicateOf: index },
            );
          }
        }),
      );
      return outcomes;
    };

  return { hashPicture, register, status, uploadPrepared, uploadPictures };
};
