import type { Label } from '../../core/labels.js';
import { calibratedConfidence } from './calibration.js';

/**
 * The 80 COCO classes in the model's output order (class index 0 = person), with
 * Rekognition-style Title Case names, and a small taxonomy of Rekognition-like
 * parent labels. Rekognition reports a label's ancestors in `Parents` and also
 * reports each ancestor as a label of its own; `toLabels` does the same.
 */
export const COCO_CLASSES = [
  'Person', 'Bicycle', 'Car', 'Motorcycle', 'Airplane', 'Bus', 'Train', 'Truck', 'Boat', 'Traffic Light',
  'Fire Hydrant', 'Stop Sign', 'Parking Meter', 'Bench', 'Bird', 'Cat', 'Dog', 'Horse', 'Sheep', 'Cow',
  'Elephant', 'Bear', 'Zebra', 'Giraffe', 'Backpack', 'Umbrella', 'Handbag', 'Tie', 'Suitcase', 'Frisbee',
  'Skis', 'Snowboard', 'Sports Ball', 'Kite', 'Baseball Bat', 'Baseball Glove', 'Skateboard', 'Surfboard', 'Tennis Racket', 'Bottle',
  'Wine Glass', 'Cup', 'Fork', 'Knife', 'Spoon', 'Bowl', 'Banana', 'Apple', 'Sandwich', 'Orange',
  'Broccoli', 'Carrot', 'Hot Dog', 'Pizza', 'Donut', 'Cake', 'Chair', 'Couch', 'Potted Plant', 'Bed',
  'Dining Table', 'Toilet', 'TV', 'Laptop', 'Mouse', 'Remote Control', 'Keyboard', 'Cell Phone', 'Microwave', 'Oven',
  'Toaster', 'Sink', 'Refrigerator', 'Book', 'Clock', 'Vase', 'Scissors', 'Teddy Bear', 'Hair Drier', 'Toothbrush',
] as const;

export type CocoClass = (typeof COCO_CLASSES)[number];

/** Direct parents of a label (classes and the parent labels themselves); absent = a root. */
const DIRECT_PARENTS: Record<string, readonly string[]> = {
  // vehicles
  Bicycle: ['Vehicle'],
  Car: ['Vehicle'],
  Motorcycle: ['Vehicle'],
  Airplane: ['Aircraft'],
  Bus: ['Vehicle'],
  Train: ['Vehicle'],
  Truck: ['Vehicle'],
  Boat: ['Watercraft'],
  Aircraft: ['Vehicle'],
  Watercraft: ['Vehicle'],
  Vehicle: ['Transportation'],
  // street
  'Traffic Light': ['Light'],
  'Stop Sign': ['Sign'],
  Sign: ['Symbol'],
  Bench: ['Furniture'],
  // animals
  Bird: ['Animal'],
  Cat: ['Pet', 'Mammal'],
  Dog: ['Pet', 'Canine'],
  Horse: ['Mammal'],
  Sheep: ['Livestock', 'Mammal'],
  Cow: ['Livestock', 'Mammal'],
  Elephant: ['Wildlife', 'Mammal'],
  Bear: ['Wildlife', 'Mammal'],
  Zebra: ['Wildlife', 'Mammal'],
  Giraffe: ['Wildlife', 'Mammal'],
  Canine: ['Mammal'],
  Pet: ['Animal'],
  Mammal: ['Animal'],
  Livestock: ['Animal'],
  Wildlife: ['Animal'],
  // accessories
  Backpack: ['Bag'],
  Handbag: ['Bag'],
  Suitcase: ['Luggage'],
  Luggage: ['Bag'],
  Bag: ['Accessories'],
  Umbrella: ['Accessories'],
  Tie: ['Accessories'],
  // sport and toys
  Frisbee: ['Toy'],
  Kite: ['Toy'],
  'Teddy Bear': ['Toy'],
  Skis: ['Sport'],
  Snowboard: ['Sport'],
  'Sports Ball': ['Ball', 'Sport'],
  'Baseball Bat': ['Sport'],
  'Baseball Glove': ['Sport'],
  Skateboard: ['Sport'],
  Surfboard: ['Sport'],
  'Tennis Racket': ['Sport'],
  // kitchen
  'Wine Glass': ['Glass', 'Tableware'],
  Cup: ['Tableware'],
  Bowl: ['Tableware'],
  Fork: ['Cutlery'],
  Knife: ['Cutlery'],
  Spoon: ['Cutlery'],
  Cutlery: ['Tableware'],
  // food
  Banana: ['Fruit'],
  Apple: ['Fruit'],
  Orange: ['Fruit'],
  Broccoli: ['Vegetable'],
  Carrot: ['Vegetable'],
  Fruit: ['Produce', 'Food'],
  Vegetable: ['Produce', 'Food'],
  Produce: ['Food'],
  Sandwich: ['Food'],
  'Hot Dog': ['Food'],
  Pizza: ['Food'],
  Donut: ['Food'],
  Cake: ['Food'],
  // furniture
  Chair: ['Furniture'],
  Couch: ['Furniture'],
  Bed: ['Furniture'],
  'Dining Table': ['Table'],
  Table: ['Furniture'],
  'Potted Plant': ['Plant'],
  // electronics and appliances
  TV: ['Electronics'],
  Laptop: ['Computer'],
  Computer: ['Electronics'],
  Mouse: ['Computer Hardware'],
  Keyboard: ['Computer Hardware'],
  'Computer Hardware': ['Electronics'],
  'Remote Control': ['Electronics'],
  'Cell Phone': ['Phone'],
  Phone: ['Electronics'],
  Microwave: ['Appliance'],
  Oven: ['Appliance'],
  Toaster: ['Appliance'],
  Refrigerator: ['Appliance'],
  'Hair Drier': ['Appliance'],
  // indoor things
  Book: ['Publication'],
};

/** Every ancestor of a label, nearest first (breadth-first), each once. */
export const ancestorsOf = (name: string): string[] => {
  const out: string[] = [];
  let frontier = [...(DIRECT_PARENTS[name] ?? [])];
  while (frontier.length) {
    const next: string[] = [];
    for (const p of frontier) {
      if (out.includes(p)) continue;
      out.push(p);
      next.push(...(DIRECT_PARENTS[p] ?? []));
    }
    frontier = next;
  }
  return out;
};

/** One box the model kept after non-maximum suppression: a COCO class index and its raw score (0–1). */
export interface RawDetection {
  classIndex: number;
  score: number;
  /** [x1, y1, x2, y2]: in the image's pixels (after EXIF rotation) once views are merged; in a view's 512-px input space before. */
  box: [number, number, number, number];
}

/** Rekognition-like confidence (0–100) of a raw score: calibrated on labelled photos (calibration.ts). */
export const confidenceOf = (score: number): number => calibratedConfidence(score);

/** A label with the number of boxes of its class (ancestors: of all their descendants) at or above the threshold. */
export interface CountedLabel extends Label {
  instances: number;
}

/**
 * Rekognition-shaped labels from boxes: one label per class (its highest
 * confidence), plus each ancestor as a label (the highest confidence among its
 * descendants), only those at or above `minConfidence`; highest first, ties by name.
 */
export const toLabels = (detections: readonly RawDetection[], minConfidence: number): CountedLabel[] => {
  const byName = new Map<string, CountedLabel>();
  const add = (name: string, confidence: number) => {
    const seen = byName.get(name);
    if (seen) {
      seen.confidence = Math.max(seen.confidence, confidence);
      seen.instances += 1;
    } else byName.set(name, { name, confidence, parents: ancestorsOf(name), instances: 1 });
  };
  for (const d of detections) {
    const name = COCO_CLASSES[d.classIndex];
    if (name === undefined || !Number.isFinite(d.score)) continue;
    const confidence = confidenceOf(d.score);
    if (confidence < minConfidence) continue;
    add(name, confidence);
    for (const parent of ancestorsOf(name)) add(parent, confidence);
  }
  return [...byName.values()].sort((a, b) => b.confidence - a.confidence || a.name.localeCompare(b.name));
};

/** Every label the local detector can report (its 80 classes and their parents), sorted: search suggestions for the console. */
export const knownLabels = (): string[] => [...new Set(COCO_CLASSES.flatMap((c) => [c, ...ancestorsOf(c)]))].sort();
