/**
 * The local label detector's worker thread: loads the model once, then for each posted
 * image (an S3 object it reads itself with its own client, or encoded bytes moved here without
 * a copy) decodes it with sharp — at most DECODES_AT_ONCE at a time, one libvips thread each
 * (2 cores) — into its views (views.ts), and runs one image's inferences at a time. The stack's main thread never reads, decodes or
 * holds the image: it only routes messages and answers.
 * Started through boot.mjs (which registers the TypeScript loader when running from source).
 */
import { parentPort, threadId, workerData } from 'node:worker_threads';
import pLimit from 'p-limit';
import type { S3Client } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import type { Env } from '../../config.js';
import { ImageNotAnalysableError } from '../../ports/label-detector.js';
import { s3Client } from '../aws-clients/s3.js';
import { decodeViews } from './image.js';
import { detect, INPUT_SIZE, loadModel } from './model.js';
import { detectViews } from './multi-scale.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { encodedImage, ObjectReadError } from './read-object.js';

const port = parentPort;
if (!port) throw new Error('worker.ts runs in a worker thread');
const post = (m: FromWorker) => port.postMessage(m);
const importedAt = performance.timeOrigin + performance.now(); // wall-clock ms: TensorFlow.js is imported
const { modelDir, maxInputPixels, multiScale, maxObjectBytes, s3Env } = workerData as {
  modelDir?: string;
  maxInputPixels: number;
  multiScale: boolean;
  maxObjectBytes: number;
  s3Env: Env;
};
let client: S3Client | undefined; // the same client the handlers build, from the settings the detector was given
const s3 = () => (client ??= s3Client(s3Env)); // built at the first object read (the bench reads none)

/** Decodes in flight: one can overlap the running inference without both cores going to libvips. */
const DECODES_AT_ONCE = 2;
sharp.concurrency(1); // libvips threads per image
sharp.cache({ memory: 64, files: 0, items: 16 }); // MB: no unbounded cache of decoded tiles
const decodeSlot = pLimit(DECODES_AT_ONCE);

try {
  const t0 = performance.now();
  const { model, backend, simd } = await loadModel(modelDir);
  const loadMs = performance.now() - t0;
  const t1 = performance.now();
  await detect(model, new Uint8Array(INPUT_SIZE * INPUT_SIZE * 3)); // warm the kernels before real work
  const firstInferenceMs = performance.now() - t1;

  let inference: Promise<unknown> = Promise.resolve(); // one at a time, in arrival order
  port.on('message', (m: ToWorker) => {
    const fail = (e: unknown) =>
      post({
        type: 'error',
        id: m.id,
        message: e instanceof Error ? e.message : String(e),
        notAnalysable: e instanceof ImageNotAnalysableError,
        ...(e instanceof ObjectReadError ? { readError: e.sdkName } : {}),
      });
    // The read step (S3 or the posted bytes): I/O, so it waits for no decode slot. A decode slot is then held
    // until the image's inference begins: decoded views wait for the model at most DECODES_AT_ONCE at a time.
    void encodedImage(m, s3, maxObjectBytes)
      .then((bytes) =>
        decodeSlot(async () => {
          const t = performance.now();
          const image = await decodeViews(bytes, maxInputPixels, multiScale);
          const decodedAt = performance.now();
          let begun: () => void = () => {};
          const begins = new Promise<void>((resolve) => (begun = resolve));
          inference = inference.then(async () => {
            begun();
            const started = performance.now();
            try {
              const detections = await detectViews(model, image);
              post({ type: 'result', id: m.id, detections, views: image.views.length, decodeMs: decodedAt - t, queueMs: started - decodedAt, inferenceMs: performance.now() - started });
            } catch (e) {
              fail(e);
            }
          });
          await begins;
        }),
      )
      .catch(fail);
  });
  post({ type: 'ready', importedAt, loadMs, firstInferenceMs, backend, simd, threadId });
} catch (e) {
  post({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
}
