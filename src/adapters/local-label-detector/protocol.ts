import type { RawDetection } from './taxonomy.js';

/** Messages between the detector (main thread) and its worker thread. */
export type ToWorker =
  /** An S3 object: the worker reads it (GetObject, its own client) and decodes it; the main thread only routes. */
  | { type: 'object'; id: number; bucket: string; key: string }
  /** Encoded bytes already in memory (the bench): the detector's own copy of them, moved to the worker (transferred). */
  | { type: 'bytes'; id: number; bytes: Uint8Array };

export interface WarmUp {
  /** From the thread's start to TensorFlow.js imported (includes compiling TypeScript when run from sources), ms. */
  startupMs: number;
  /** Reading the model files and building the graph, ms. */
  loadMs: number;
  /** The first inference (kernel set-up), run on a blank image before any real one, ms. */
  firstInferenceMs: number;
  backend: string;
  simd: boolean;
  /** The worker's thread id: never the main thread's. */
  threadId: number;
}

export type FromWorker =
  | ({ type: 'ready'; importedAt: number } & Omit<WarmUp, 'startupMs'>)
  | { type: 'failed'; message: string }
  /** `views`: inferences run (the full frame, plus tiles on large images). */
  | { type: 'result'; id: number; detections: RawDetection[]; views: number; decodeMs: number; queueMs: number; inferenceMs: number }
  /**
   * `notAnalysable`: the image's fault (Rekognition's InvalidImageFormat/ImageTooLarge/InvalidS3Object), never retried.
   * `readError`: reading the object failed otherwise (the SDK's error name, e.g. SlowDown): retryable, passed on as is.
   */
  | { type: 'error'; id: number; message: string; notAnalysable: boolean; readError?: string };
