/**
 * The local label detector's worker thread: loads the model once, then runs one
 * inference at a time on 512×512 RGB pixels posted by the main thread. Started
 * through boot.mjs (which registers the TypeScript loader when running from source).
 */
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { detect, INPUT_SIZE, loadModel } from './model.js';
import type { FromWorker, ToWorker } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('worker.ts runs in a worker thread');
const post = (m: FromWorker) => port.postMessage(m);
const importedAt = performance.timeOrigin + performance.now(); // wall-clock ms: TensorFlow.js is imported

try {
  const t0 = performance.now();
  const { model, backend, simd } = await loadModel((workerData as { modelDir?: string }).modelDir);
  const loadMs = performance.now() - t0;
  const t1 = performance.now();
  await detect(model, new Uint8Array(INPUT_SIZE * INPUT_SIZE * 3)); // warm the kernels before real work
  const firstInferenceMs = performance.now() - t1;

  // One at a time: the main thread sends the next image only after this one's answer.
  port.on('message', (m: ToWorker) => {
    const t = performance.now();
    detect(model, m.pixels).then(
      (detections) => post({ type: 'result', id: m.id, detections, inferenceMs: performance.now() - t }),
      (e: unknown) => post({ type: 'error', id: m.id, message: e instanceof Error ? e.message : String(e) }),
    );
  });
  post({ type: 'ready', importedAt, loadMs, firstInferenceMs, backend, simd, threadId });
} catch (e) {
  post({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
}
