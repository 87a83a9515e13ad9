import type { Label } from '../core/labels.js';

export interface ImageObject {
  bucket: string;
  key: string;
  imageHash: string;
}

/** Rekognition DetectLabels in AWS; a fixture file or an offline model locally. */
export interface LabelDetector {
  /** Labels seen at or above `minConfidence` (0–100). */
  detect(image: ImageObject, minConfidence: number): Promise<Label[]>;
}

/** The image can never be analysed (not an image, too large…): retrying will not help. */
export class ImageNotAnalysableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageNotAnalysableError';
  }
}
