import { readFile } from 'node:fs/promises';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod/mini';
import { IMAGE_HASH_PATTERN } from '../core/file-name.js';
import type { Label } from '../core/labels.js';
import { ImageNotAnalysableError, type ImageObject, type LabelDetector } from '../ports/label-detector.js';

const FixtureSchema = z.record(
  z.string().check(z.regex(IMAGE_HASH_PATTERN)),
  z.array(
    z.object({
      name: z.string().check(z.minLength(1)),
      confidence: z.number().check(z.minimum(0), z.maximum(100)),
      parents: z._default(z.array(z.string()), []),
    }),
  ),
);
export type Fixture = z.infer<typeof FixtureSchema>;

const JPEG = [0xff, 0xd8, 0xff];
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);

/**
 * Labels from a JSON map `{ "<sha256>": [{ name, confidence }] }` — deterministic
 * labels for tests and demos. Like Rekognition it reads the stored object and
 * refuses bytes that are not a JPEG or PNG; unknown images get no labels.
 */
export class FixtureLabelDetector implements LabelDetector {
  constructor(
    private readonly fixture: Fixture,
    private readonly s3: S3Client,
  ) {}

  static async fromFile(path: string, s3: S3Client): Promise<FixtureLabelDetector> {
    const raw = path ? JSON.parse(await readFile(path, 'utf8')) : {};
    return new FixtureLabelDetector(FixtureSchema.parse(raw), s3);
  }

  async detect(image: ImageObject, minConfidence: number): Promise<Label[]> {
    const res = await this.s3.send(new GetObjectCommand({ Bucket: image.bucket, Key: image.key, Range: 'bytes=0-15' }));
    const head = await res.Body!.transformToByteArray();
    if (!startsWith(head, JPEG) && !startsWith(head, PNG)) {
      throw new ImageNotAnalysableError('InvalidImageFormatException: Request has invalid image format');
    }
    return (this.fixture[image.imageHash] ?? []).filter((l) => l.confidence >= minConfidence);
  }
}
