/**
 * CenterNet MobileNetV3 (COCO, 80 classes) as a TensorFlow.js graph model, run
 * on the WebAssembly backend. Only the worker thread imports this module.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import { INPUT_SIZE } from './model-shape.js';
import type { RawDetection } from './taxonomy.js';
import type { Box } from './views.js';

export { INPUT_SIZE };
const OUTPUT = 'tower_0/detections'; // [1, 100, 6]: x1, y1, x2, y2, score, class (512-px space)
const IOU_THRESHOLD = 0.5;
/** Boxes below this raw score are dropped before NMS (≈ 22 on the confidence scale). */
export const MIN_SCORE = 0.05;

const require = createRequire(import.meta.url);

/** The model files ship in @vladmandic/human (MIT); its `exports` map hides `models/`, so go up from its entry. */
export const modelDir = (): string => join(dirname(dirname(require.resolve('@vladmandic/human'))), 'models');

export interface LoadedModel {
  model: GraphModel;
  backend: string;
  simd: boolean;
}

export const loadModel = async (dir = modelDir()): Promise<LoadedModel> => {
  // The .wasm files sit next to the backend's entry (dist/); read from disk, never fetched.
  setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false); // one core per worker; no pthread workers of its own
  if (!(await tf.setBackend('wasm'))) throw new Error('the TensorFlow.js wasm backend did not initialise');
  await tf.ready();
  const [json, weights] = await Promise.all([readFile(join(dir, 'centernet.json'), 'utf8'), readFile(join(dir, 'centernet.bin'))]);
  const artifacts = JSON.parse(json) as tf.io.ModelJSON;
  const model = await loadGraphModel(
    tf.io.fromMemory({
      modelTopology: artifacts.modelTopology,
      weightSpecs: artifacts.weightsManifest.flatMap((group) => group.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy ?? undefined,
      signature: artifacts.signature,
    }),
  );
  const shape = model.inputs[0]?.shape;
  if (shape?.[1] !== INPUT_SIZE || shape?.[2] !== INPUT_SIZE || shape?.[3] !== 3) {
    throw new Error(`unexpected model input shape ${JSON.stringify(shape)}`);
  }
  return { model, backend: tf.getBackend(), simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) };
};

/**
 * Boxes in one 512×512 RGB input (`pixels`: 8-bit, interleaved, 786,432 bytes), in that
 * input's 512-px space: the model's 100 candidates, then non-maximum suppression per class.
 */
export const detect = async (model: GraphModel, pixels: Uint8Array): Promise<RawDetection[]> => {
  if (pixels.length !== INPUT_SIZE * INPUT_SIZE * 3) throw new RangeError(`expected ${INPUT_SIZE}×${INPUT_SIZE}×3 bytes, got ${pixels.length}`);
  const output = tf.tidy(() => {
    const input = tf.tensor4d(Float32Array.from(pixels), [1, INPUT_SIZE, INPUT_SIZE, 3], 'float32'); // RGB 0–255
    return model.execute(input, OUTPUT) as tf.Tensor;
  });
  const rows = ((await output.array()) as number[][][])[0] ?? [];
  output.dispose();

  const candidates = rows
    .map(([x1 = NaN, y1 = NaN, x2 = NaN, y2 = NaN, score = NaN, cls = NaN]) => ({ classIndex: cls, score, box: [x1, y1, x2, y2] as Box }))
    .filter((r) => [...r.box, r.score, r.classIndex].every(Number.isFinite) && r.score >= MIN_SCORE && Number.isInteger(r.classIndex));
  const clip = (v: number) => Math.min(INPUT_SIZE, Math.max(0, v));
  return (await suppressPerClass(candidates, INPUT_SIZE)).map((d) => ({ ...d, box: d.box.map(clip) as Box }));
};

/**
 * Non-maximum suppression per class: of boxes of one class overlapping by IoU ≥ 0.5, the
 * highest score stays; boxes of different classes never suppress each other (Rekognition's
 * labels overlap). Used within one view (512-px space) and across views (image pixels), where
 * the same object seen in the full frame and in a tile becomes one box. `extent`: the largest
 * coordinate, so each class can be moved to its own far-away region for one batched call.
 */
export const suppressPerClass = async (detections: readonly RawDetection[], extent: number): Promise<RawDetection[]> => {
  if (detections.length === 0) return [];
  const offset = (cls: number) => cls * (extent * 4);
  const boxes = tf.tensor2d(detections.map(({ classIndex, box: [x1, y1, x2, y2] }) => [y1 + offset(classIndex), x1, y2 + offset(classIndex), x2]));
  const scores = tf.tensor1d(detections.map((d) => d.score));
  try {
    const kept = await tf.image.nonMaxSuppressionAsync(boxes, scores, detections.length, IOU_THRESHOLD, MIN_SCORE);
    const indices = Array.from(await kept.data());
    kept.dispose();
    return indices.map((i) => detections[i]!);
  } finally {
    tf.dispose([boxes, scores]);
  }
};
