import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Env } from '../../config.js';
import type { Label } from '../../core/labels.js';
import { ImageNotAnalysableError, type ImageObject, type LabelDetector } from '../../ports/label-detector.js';
import { s3ClientEnv } from '../aws-clients/s3.js';
import { MAX_LABELS } from '../rekognition-label-detector.js';
import type { FromWorker, ToWorker, WarmUp } from './protocol.js';
import { toLabels, type CountedLabel, type RawDetection } from './taxonomy.js';

export type { WarmUp } from './protocol.js';
export { COCO_CLASSES, ancestorsOf, confidenceOf, toLabels, type CountedLabel, type RawDetection } from './taxonomy.js';

/** Too many images at once: retry later (Rekognition's ThrottlingException). Not the image's fault. */
export class DetectorBusyError extends Error {
  constructor(limit: number) {
    super(`ThrottlingException: the local label detector already holds ${limit} images`);
    this.name = 'DetectorBusyError';
  }
}

/** The model could not be loaded, or its worker stopped: retry later. Not the image's fault. */
export class DetectorUnavailableError extends Error {
  constructor(reason: string) {
    super(`the local label detector is unavailable: ${reason}`);
    this.name = 'DetectorUnavailableError';
  }
}

export interface LocalLabelDetectorOptions {
  /**
   * The bounded queue: images held at once (being read, decoded, waiting for or
   * in inference). One more is refused with DetectorBusyError, so memory stays
   * under about maxPending × maxObjectBytes. Default 16 (an SQS batch is ≤ 10).
   */
  maxPending?: number;
  /** Largest object read, bytes; larger → ImageTooLargeException. Default 15 MiB, Rekognition's limit for S3 objects. */
  maxObjectBytes?: number;
  /** Largest image decoded, pixels (width × height); larger → ImageTooLargeException. Default 100 MP. */
  maxInputPixels?: number;
  /** Where centernet.json and .bin are. Default: the models folder of @vladmandic/human. */
  modelDir?: string;
  /**
   * Tiles on large images besides the full frame (views.ts). Default true; false = the full
   * frame only, ~10× cheaper on a 12 MP photo and blind to its small subjects (bench, tests).
   */
  multiScale?: boolean;
}

export type DetectorState = 'warming' | 'ready' | 'failed' | 'closed';

export interface Analysis {
  /** Every label at or above the threshold, with instance counts (the port's Label has no field for them). */
  labels: CountedLabel[];
  /** The boxes kept by NMS across all views, in the image's pixels, raw scores, every score ≥ the model's floor. */
  detections: RawDetection[];
  /** Inferences run: 1 (the full frame), or 1 + the tiles of a large image. */
  views: number;
  /** Decode + the views' resizes (worker, libvips), wait for the model after decoding, inference of every view (worker), ms. */
  timings: { decodeMs: number; queueMs: number; inferenceMs: number };
}

type WorkerResult = Omit<Extract<FromWorker, { type: 'result' }>, 'type' | 'id'>;

interface Job {
  resolve: (r: WorkerResult) => void;
  reject: (e: Error) => void;
}

/** Where the worker's module is: worker.ts from sources (tsx, vitest), worker.js once compiled. */
const WORKER_ENTRY = new URL(`./worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);
const WORKER_BOOT = new URL('./boot.mjs', import.meta.url);

/**
 * LOCAL_DETECTOR_TILES: `on` (the default) runs the tiles on large images; `off` the full frame
 * only — about 7× faster on a 12 MP photo, blind to its small subjects. Anything else is refused.
 */
export const multiScaleSetting = (env: Env): boolean => {
  const value = env.LOCAL_DETECTOR_TILES ?? 'on';
  if (value !== 'on' && value !== 'off') throw new RangeError(`LOCAL_DETECTOR_TILES must be on or off, not "${value}"`);
  return value === 'on';
};

/**
 * Rekognition's DetectLabels, offline: CenterNet (COCO's 80 classes) in a worker
 * thread on TensorFlow.js's wasm backend. The worker reads the object through the S3 API
 * like Rekognition reads it (its own SDK client, built from the env the detector is
 * given), checks it is JPEG or PNG, decodes and infers: this thread only routes the
 * object's name and the answer — no bytes, no pixels, no sharp on the caller's event loop.
 * The model loads once, when the detector starts; images that arrive meanwhile wait for
 * it. Inference runs one image at a time, in arrival order.
 */
export class LocalLabelDetector implements LabelDetector {
  private readonly maxPending: number;
  private readonly maxObjectBytes: number;
  private readonly maxInputPixels: number;
  private readonly modelDir: string | undefined;
  private readonly multiScale: boolean;
  private worker: Worker | undefined;
  private warm: Promise<WarmUp> | undefined;
  private rejectWarm: ((e: Error) => void) | undefined;
  private current: DetectorState = 'warming';
  private failure: string | undefined;
  private pending = 0;
  private readonly jobs = new Map<number, Job>();
  private nextId = 1;

  private constructor(
    private readonly s3Env: Env,
    o: LocalLabelDetectorOptions,
  ) {
    this.maxPending = o.maxPending ?? 16;
    this.maxObjectBytes = o.maxObjectBytes ?? 15 * 1024 * 1024;
    this.maxInputPixels = o.maxInputPixels ?? 100_000_000;
    this.modelDir = o.modelDir;
    this.multiScale = o.multiScale ?? true;
    if (!Number.isInteger(this.maxPending) || this.maxPending < 1) throw new RangeError('maxPending must be a positive integer');
  }

  /**
   * Starts the worker and the model's warm-up now; returns at once. `env`: where the worker's
   * S3 client takes its settings (region, endpoint, credentials, path style), as s3Client(env).
   */
  static start(env: Env, o: LocalLabelDetectorOptions = {}): LocalLabelDetector {
    const d = new LocalLabelDetector(s3ClientEnv(env), o);
    d.spawn();
    return d;
  }

  /** `warming` until the model is loaded, then `ready`; `failed` if it could not load or the worker died (the next image retries). */
  get state(): DetectorState {
    return this.current;
  }

  /** Why the detector is `failed`, if it is. */
  get lastError(): string | undefined {
    return this.failure;
  }

  /** Images held right now (reading, decoding, queued or in inference). */
  get held(): number {
    return this.pending;
  }

  /** Resolves once the model is loaded and warmed up; rejects if it cannot be. */
  ready(): Promise<WarmUp> {
    if (this.current === 'closed') return Promise.reject(new DetectorUnavailableError('closed'));
    return this.ensureWorker();
  }

  async detect(image: ImageObject, minConfidence: number): Promise<Label[]> {
    const { labels } = await this.analyse(image, minConfidence);
    return labels.map(({ name, confidence, parents }) => ({ name, confidence, parents }));
  }

  /** detect(), with instance counts, the raw boxes and timings. */
  analyse(image: ImageObject, minConfidence: number): Promise<Analysis> {
    return this.admit(() => this.analyseIn((id) => [{ type: 'object', id, bucket: image.bucket, key: image.key }, []], minConfidence));
  }

  /** The same analysis on bytes already in memory (the bench); counts against the same bound. The caller keeps its bytes. */
  analyseImage(bytes: Uint8Array, minConfidence: number): Promise<Analysis> {
    return this.admit(() =>
      this.analyseIn((id) => {
        // A copy, moved to the worker: moving the caller's own buffer would empty it for the caller
        // (and Node drops, silently, a message whose transfer list holds an already-moved buffer).
        const own = new Uint8Array(bytes); // a copy, even of a Buffer (whose slice() is a view)
        return [{ type: 'bytes', id, bytes: own }, [own.buffer]];
      }, minConfidence),
    );
  }

  /** Stops the worker; images still held fail with DetectorUnavailableError. */
  async close(): Promise<void> {
    if (this.current === 'closed') return;
    this.current = 'closed';
    this.rejectWarm?.(new DetectorUnavailableError('closed')); // images waiting for the warm-up stop waiting
    this.failAll(new DetectorUnavailableError('closed'));
    const w = this.worker;
    this.worker = undefined;
    this.warm = undefined;
    await w?.terminate();
  }

  private async admit<T>(work: () => Promise<T>): Promise<T> {
    if (this.current === 'closed') throw new DetectorUnavailableError('closed');
    if (this.pending >= this.maxPending) throw new DetectorBusyError(this.maxPending);
    this.pending++;
    this.updateRef();
    try {
      return await work();
    } finally {
      this.pending--;
      this.updateRef();
    }
  }

  /** Posts the image's message to the worker (reading, format check, decoding and inference are all there). */
  private async analyseIn(message: (id: number) => [ToWorker, ArrayBuffer[]], minConfidence: number): Promise<Analysis> {
    await this.ensureWorker(); // an image that arrives while the model warms up waits here
    if (this.current === 'closed' || !this.worker) throw new DetectorUnavailableError(this.failure ?? 'closed');
    const id = this.nextId++;
    const { detections, views, decodeMs, inferenceMs, queueMs } = await new Promise<WorkerResult>(
      (resolve, reject) => {
        this.jobs.set(id, { resolve, reject });
        this.worker!.postMessage(...message(id));
      },
    );
    return { labels: toLabels(detections, minConfidence).slice(0, MAX_LABELS), detections, views, timings: { decodeMs, queueMs, inferenceMs } };
  }

  private ensureWorker(): Promise<WarmUp> {
    if (this.current === 'closed') return Promise.reject(new DetectorUnavailableError('closed'));
    if (!this.warm) this.spawn(); // the first start, or again after a failure
    return this.warm!;
  }

  private spawn() {
    this.current = 'warming';
    this.failure = undefined;
    const spawnedAt = performance.timeOrigin + performance.now();
    // The S3 settings (credentials included) go in workerData: in memory only, never on a command line or in a log.
    const workerData = {
      entry: WORKER_ENTRY.href,
      modelDir: this.modelDir,
      maxInputPixels: this.maxInputPixels,
      multiScale: this.multiScale,
      maxObjectBytes: this.maxObjectBytes,
      s3Env: this.s3Env,
    };
    const worker = new Worker(WORKER_BOOT, { workerData });
    this.worker = worker;
    this.warm = new Promise<WarmUp>((resolve, reject) => {
      this.rejectWarm = reject;
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready') {
          this.rejectWarm = undefined;
          const { type: _type, importedAt, ...rest } = m;
          this.current = 'ready';
          this.updateRef();
          resolve({ startupMs: importedAt - spawnedAt, ...rest });
        } else if (m.type === 'failed') {
          this.broken(worker, m.message, reject);
        } else this.settle(m);
      });
      worker.on('error', (e) => this.broken(worker, e.message, reject));
      worker.on('exit', (code) => this.broken(worker, `worker exited with code ${code}`, reject));
    });
    this.warm.catch(() => {}); // observed by whoever awaits it; never an unhandled rejection
    this.updateRef();
  }

  /** The worker cannot serve: fail what it holds, and let the next image start a new one. */
  private broken(worker: Worker, reason: string, rejectWarmUp: (e: Error) => void) {
    if (this.worker !== worker) return; // an old worker, or close() already ran
    this.worker = undefined;
    this.warm = undefined;
    this.rejectWarm = undefined;
    this.current = 'failed';
    this.failure = reason;
    const error = new DetectorUnavailableError(reason);
    rejectWarmUp(error);
    this.failAll(error);
    void worker.terminate();
  }

  private failAll(e: Error) {
    const jobs = [...this.jobs.values()];
    this.jobs.clear();
    for (const j of jobs) j.reject(e);
  }

  private settle(m: Extract<FromWorker, { type: 'result' | 'error' }>) {
    const job = this.jobs.get(m.id);
    if (!job) return;
    this.jobs.delete(m.id);
    if (m.type === 'result') {
      const { type: _type, id: _id, ...result } = m;
      job.resolve(result);
    }
    else if (m.notAnalysable) job.reject(new ImageNotAnalysableError(m.message));
    else if (m.readError !== undefined) job.reject(Object.assign(new Error(m.message), { name: m.readError })); // S3's error: retryable
    else job.reject(new Error(`inference failed: ${m.message}`));
  }

  /** The worker keeps the process alive only while it warms up or holds images. */
  private updateRef() {
    if (!this.worker) return;
    if (this.current === 'warming' || this.pending > 0) this.worker.ref();
    else this.worker.unref();
  }
}
