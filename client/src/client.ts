/**
 * The platform-neutral client (no Node-only imports): the browser entry uses it
 * as is, the Node entry adds file paths and `node:crypto` hashing. The pieces:
 * ./options.ts (what callers pass), ./transport.ts (calls, retries, the PUT),
 * ./upload.ts (hash → register → PUT, one or many).
 */
import { AnalysisTimeoutError, apiErrorFor, NetworkError, NotFoundError, parseS3Error } from './errors.js';
import {
  fileNameFor,
  type CallOptions,
  type ScanPageOptions,
  type ClientOptions,
  type ObtainOptions,
  type Download,
  type Platform,
  type PreparedPicture,
  type UploadMeta,
  type UploadOptions,
  type UploadResult,
  type WaitOptions,
} from './options.js';
import { sleep } from './retry.js';
import { ScanQuery, type ScanParams } from './scan.js';
import { hexToBase64 } from './sha256.js';
import { isSupportedContentType, type PictureSource } from './source.js';
import { createTransport, describeNetworkError, imagePath } from './transport.js';
import { FINAL_STATUSES, type Health, type ImageRecord, type ObtainUrl, type ScanResult } from './types.js';
import { createUploadPipeline } from './upload.js';

export * from './options.js';
export { fetchPut } from './transport.js';

export type Client<I = never> = ReturnType<typeof createClientFor<I>>;

/** Builds a client on a platform (see the `index.ts` and `browser.ts` entries). */
export function createClientFor<I>(platform: Platform, options: ClientOptions) {
  const transport = createTransport(options);
  const { baseUrl, call, retrying, userId, fetchImpl } = transport;
  const { hashPicture, register, status, uploadPrepared, uploadPictures } = createUploadPipeline<I>(platform, transport, options);

  /**
   * `GET /scan`: one page of the images in one grouping (or all), filtered by labels.
   * `next_token` is null on the last page; pass it back as `nextToken` for the next one
   * (or use `scanPages` / `scanAll`).
   */
  const scan = async (query: ScanParams | ScanQuery = {}, o: ScanPageOptions = {}): Promise<ScanResult> => {
    const params = ScanQuery.from(query).toSearchParams();
    if (o.limit !== undefined) {
      if (!Number.isInteger(o.limit) || o.limit < 1 || o.limit > 1000) throw new RangeError(`limit must be an integer from 1 to 1000, got ${o.limit}`);
      params.set('limit', String(o.limit));
    }
    if (o.nextToken) params.set('next_token', o.nextToken);
    return (await call({ method: 'GET', path: '/scan', query: params, retry: true, operation: 'scan', signal: o.signal })).body as ScanResult;
  };

  /** Every page of a scan, in order, following `next_token` until it is null. */
  async function* scanPages(query: ScanParams | ScanQuery = {}, o: Omit<ScanPageOptions, 'nextToken'> = {}): AsyncGenerator<ScanResult> {
    let nextToken: string | null = null;
    do {
      const page: ScanResult = await scan(query, { ...o, nextToken });
      yield page;
      nextToken = page.next_token;
    } while (nextToken);
  }

  /** All matching images in one result (every page fetched; `total_count` as the first page counted it). */
  const scanAll = async (query: ScanParams | ScanQuery = {}, o: Omit<ScanPageOptions, 'nextToken'> = {}): Promise<ScanResult> => {
    let first: ScanResult | undefined;
    const images: string[] = [];
    for await (const page of scanPages(query, o)) {
      first ??= page;
      images.push(...page.images);
    }
    return { ...first!, images, next_token: null };
  };


  /**
   * `GET /obtain/{file_name}` in JSON mode: a presigned GET URL of the original (or of `variant`),
   * valid `expires_in` seconds. A variant not made yet is a NotFoundError with code `variant_not_ready`.
   */
  const obtainUrl = async (fileName: string, o: ObtainOptions = {}): Promise<ObtainUrl> => {
    const query = o.variant && o.variant !== 'original' ? `?variant=${o.variant}` : '';
    return (await call({ method: 'GET', path: `${imagePath('obtain', fileName)}${query}`, retry: true, operation: 'obtain', signal: o.signal })).body as ObtainUrl;
  };

  return {
    baseUrl,

    /** `GET /health` (no token). */
    async health(o: CallOptions = {}): Promise<Health> {
      return (await call({ method: 'GET', path: '/health', retry: true, operation: 'health', signal: o.signal })).body as Health;
    },

    /** The user id this client registers pictures as. */
    userId: () => userId(),

    register,
    hashPicture,
    uploadPrepared,

    /**
     * Hashes the picture as a stream (SHA-256), registers it (`POST /receiver`), and PUTs it to the
     * presigned URL with exactly `upload_headers`, streamed. Returns the `file_name` to keep.
     *
     * ```ts
     * const { file_name } = await client.uploadPicture('beach.jpg', { post_id: 123, picture_id: 789, trip_id: 3, location_id: 5, content: 'Día increíble' });
     * ```
     */
    async uploadPicture(input: I | PictureSource, meta: UploadMeta, o: UploadOptions = {}): Promise<UploadResult> {
      const prepared = await hashPicture(input, o);
      return uploadPrepared(prepared, meta, o);
    },

    /**
     * Many pictures with bounded concurrency: all are hashed first, a picture repeated in the batch
     * (same SHA-256 and type) is uploaded once (`duplicate` for the others), one receiver call per
     * distinct picture. Never throws for a picture: each outcome says `uploaded`, `already_uploaded`,
     * `duplicate` or `failed`.
     */
    uploadPictures,

    /** `GET /images/{file_name}`: status, labels, metadata and posts of the token user's image. */
    status,

    /**
     * Polls `status` with backoff (and jitter) until the analysis ends (`until`), or throws
     * AnalysisTimeoutError at the deadline. A NotFound (say, the registration expired) is thrown at once.
     */
    async waitForAnalysis(fileName: string, o: WaitOptions = {}): Promise<ImageRecord> {
      const until = o.until ?? FINAL_STATUSES;
      const timeout = o.timeoutMs ?? 120_000;
      const started = Date.now();
      let interval = o.intervalMs ?? 250;
      const maxInterval = o.maxIntervalMs ?? 5_000;
      let last: ImageRecord | undefined;
      for (;;) {
        last = await status(fileName, o);
        o.onStatus?.(last);
        if (until.includes(last.status)) return last;
        const left = timeout - (Date.now() - started);
        if (left <= 0) throw new AnalysisTimeoutError(fileName, last.status, Date.now() - started);
        await sleep(Math.min(left, interval * (0.75 + Math.random() * 0.5)), o.signal);
        interval = Math.min(maxInterval, interval * 2);
      }
    },

    obtainUrl,

    /** The original's (or a variant's) bytes, as a stream (through a fresh presigned URL). */
    async download(fileName: string, o: ObtainOptions = {}): Promise<Download> {
      return retrying(
        'download',
        async () => {
          const { url } = await obtainUrl(fileName, o);
          let res: Response;
          try {
            res = await fetchImpl(url, { signal: o.signal });
          } catch (e) {
            if (o.signal?.aborted) throw o.signal.reason;
            throw new NetworkError(`Could not download ${fileName} (${describeNetworkError(e)})`, url, { cause: e });
          }
          if (!res.ok || !res.body) {
            const { code, message } = parseS3Error(await res.text().catch(() => ''));
            if (res.status === 404) throw new NotFoundError(`${fileName}: ${message}`, 404, code);
            throw apiErrorFor(res.status, { error: code, message: `Download of ${fileName} failed: ${code}: ${message}` });
          }
          const size = res.headers.get('content-length');
          return { body: res.body, contentType: res.headers.get('content-type') ?? undefined, size: size ? Number(size) : undefined };
        },
        o.signal,
      );
    },

    scan,
    scanPages,
    scanAll,

    /** `DELETE /images/{file_name}`: the object, the record, every post placement. Idempotent. */
    async delete(fileName: string, o: CallOptions = {}): Promise<void> {
      await call({ method: 'DELETE', path: imagePath('images', fileName), retry: true, operation: 'delete', signal: o.signal });
    },

    /** The file name a prepared picture gets for this client's user. */
    async fileNameOf(prepared: Pick<PreparedPicture, 'image_hash' | 'content_type'>): Promise<string> {
      if (!isSupportedContentType(prepared.content_type)) throw new TypeError(`${prepared.content_type} is not image/jpeg or image/png`);
      return fileNameFor(await userId(), prepared.image_hash, prepared.content_type);
    },

    /** `x-amz-checksum-sha256` for a hex SHA-256. */
    checksumOf: hexToBase64,
  };
}
