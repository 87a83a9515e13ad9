import type { RawDetection } from './taxonomy.js';

/** Messages between the detector (main thread) and its worker thread. */
/** `bytes`: the encoded JPEG/PNG; the worker decodes it. */
export type ToWorker = { type: 'detect'; id: number; bytes: Uint8Array };

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
  /** `notAnalysable`: the image's fault (Rekognition's InvalidImageFormat/ImageTooLarge), never retried. */
  | { type: 'error'; id: number; message: string; notAnalysable: boolean };
