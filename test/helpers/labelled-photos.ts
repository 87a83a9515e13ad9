/**
 * The local detector's labelled set (test/fixtures/photos/labelled/labels.json): real photos
 * with the COCO classes they show (`present`), the classes it is fair to see in them without
 * counting a miss (`allowed`), and nothing else. Plus "small subject in a large frame":
 * each subject photo pasted, at its own size, on a 3600×2400 textured canvas — what a phone
 * photo of a far-away cat looks like to a model that sees 512×512, and what the tiles are for.
 */
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import type { LabelledScore } from '../../src/adapters/local-label-detector/calibration.js';
import type { LocalLabelDetector } from '../../src/adapters/local-label-detector/index.js';
import { COCO_CLASSES, type RawDetection } from '../../src/adapters/local-label-detector/taxonomy.js';

const DIR = new URL('../fixtures/photos/labelled/', import.meta.url);

interface Manifest {
  photos: { file: string; source: string; present: string[]; allowed: string[] }[];
  composites: { width: number; height: number; texture: string; subjects: string[] };
}

export interface LabelledPhoto {
  name: string;
  bytes: Uint8Array;
  present: string[];
  allowed: string[];
  /** A subject pasted on a large canvas (see above). */
  composite: boolean;
}

const manifest = (): Manifest => JSON.parse(readFileSync(new URL('labels.json', DIR), 'utf8')) as Manifest;
const read = (file: string) => new Uint8Array(readFileSync(new URL(file, DIR)));
const nameOf = (file: string) => file.replace(/^.*\//, '').replace(/\.jpg$/, '');

/** Every photo of the set, then the composites (made here, deterministically: no large files in the repository). */
export const labelledPhotos = async (): Promise<LabelledPhoto[]> => {
  const m = manifest();
  const photos = m.photos.map((p) => ({ name: nameOf(p.file), bytes: read(p.file), present: p.present, allowed: p.allowed, composite: false }));
  const { width, height, texture, subjects } = m.composites;
  const canvas = await sharp({ create: { width, height, channels: 3, background: '#777777' } })
    .composite([{ input: await sharp(read(texture)).toColourspace('srgb').png().toBuffer(), tile: true, left: 0, top: 0 }])
    .png()
    .toBuffer();
  const composites: LabelledPhoto[] = [];
  for (const [i, file] of subjects.entries()) {
    const subject = photos.find((p) => p.name === nameOf(file))!;
    const bytes = await sharp(canvas)
      .composite([{ input: await sharp(subject.bytes).toColourspace('srgb').png().toBuffer(), left: 300 + ((i * 1031) % 2400), top: 200 + ((i * 677) % 1500) }])
      .jpeg({ quality: 90 })
      .toBuffer();
    composites.push({ ...subject, name: `${subject.name} in a large frame`, bytes: new Uint8Array(bytes), composite: true });
  }
  return [...photos, ...composites];
};

/**
 * The (photo, COCO class) pairs to score: every class present (a miss scores 0), and every
 * other class the detector reported that is not allowed (a false label); allowed ones are left out.
 */
export const labelledScores = (photo: LabelledPhoto, detections: readonly RawDetection[]): LabelledScore[] => {
  const best = new Map<string, number>();
  for (const d of detections) {
    const label = COCO_CLASSES[d.classIndex];
    if (label) best.set(label, Math.max(best.get(label) ?? 0, d.score));
  }
  const present = photo.present.map((label) => ({ photo: photo.name, label, score: best.get(label) ?? 0, correct: true }));
  const wrong = [...best]
    .filter(([label]) => !photo.present.includes(label) && !photo.allowed.includes(label))
    .map(([label, score]) => ({ photo: photo.name, label, score, correct: false }));
  return [...present, ...wrong];
};

/** The detector on each photo, one at a time: its (photo, class) scores, each marked with whether the photo is a composite. */
export const scoreLabelledPhotos = async (detector: LocalLabelDetector, photos: readonly LabelledPhoto[]): Promise<(LabelledScore & { composite: boolean })[]> => {
  const out: (LabelledScore & { composite: boolean })[] = [];
  for (const photo of photos) {
    const { detections } = await detector.analyseImage(photo.bytes, 0);
    out.push(...labelledScores(photo, detections).map((s) => ({ ...s, composite: photo.composite })));
  }
  return out;
};
