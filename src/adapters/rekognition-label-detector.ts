import { DetectLabelsCommand, type RekognitionClient } from '@aws-sdk/client-rekognition';
import type { Label } from '../core/labels.js';
import { ImageNotAnalysableError, type ImageObject, type LabelDetector } from '../ports/label-detector.js';

/** Errors that no retry can fix: reported as ImageNotAnalysableError (the record's failure reason). */
const PERMANENT = new Set(['InvalidImageFormatException', 'ImageTooLargeException', 'InvalidS3ObjectException']);

export const MAX_LABELS = 100;

/** Amazon Rekognition DetectLabels on the S3 object itself: the image is never downloaded. */
export class RekognitionLabelDetector implements LabelDetector {
  constructor(private readonly rekognition: RekognitionClient) {}

  async detect(image: ImageObject, minConfidence: number): Promise<Label[]> {
    try {
      const res = await this.rekognition.send(
        new DetectLabelsCommand({
          Image: { S3Object: { Bucket: image.bucket, Name: image.key } },
          MinConfidence: minConfidence,
          MaxLabels: MAX_LABELS,
        }),
      );
      return (res.Labels ?? [])
        .filter((l) => l.Name && l.Confidence !== undefined)
        .map((l) => ({
          name: l.Name!,
          confidence: l.Confidence!,
          parents: (l.Parents ?? []).map((p) => p.Name).filter((n): n is string => !!n),
        }));
    } catch (e) {
      if (PERMANENT.has((e as Error).name)) throw new ImageNotAnalysableError(`${(e as Error).name}: ${(e as Error).message}`);
      throw e;
    }
  }
}
