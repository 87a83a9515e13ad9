import type { Env } from '../config.js';
import type { LabelDetector } from '../ports/label-detector.js';
import { rekognitionClient } from './aws-clients/rekognition.js';
import { s3Client } from './aws-clients/s3.js';
import { FixtureLabelDetector } from './fixture-label-detector.js';
import { RekognitionLabelDetector } from './rekognition-label-detector.js';

const LOCAL_DETECTOR = './local-label-detector/index.js';

/** The detector `LABEL_DETECTOR` names: `rekognition`, `fixture:<path>`, or `local` (the local stack only). */
export const buildDetector = async (labelDetector: string, env: Env): Promise<LabelDetector> => {
  if (labelDetector === 'rekognition') return new RekognitionLabelDetector(rekognitionClient(env));
  if (labelDetector.startsWith('fixture:')) return FixtureLabelDetector.fromFile(labelDetector.slice('fixture:'.length), s3Client(env));
  if (labelDetector === 'local') {
    // The embedded model (sharp, wasm, model files) is for the local stack: a computed
    // specifier keeps it out of the Lambda bundle, where `local` is not available.
    const local: typeof import('./local-label-detector/index.js') = await import(LOCAL_DETECTOR).catch((e: Error) => {
      throw new Error(`LABEL_DETECTOR=local is not available in this build (${e.message})`);
    });
    return local.LocalLabelDetector.start(env, { multiScale: local.multiScaleSetting(env) }); // its worker reads the objects with its own S3 client, built from env
  }
  throw new Error(`LABEL_DETECTOR=${labelDetector} is not available in this build`);
};
