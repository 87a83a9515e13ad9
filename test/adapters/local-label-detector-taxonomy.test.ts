import { describe, expect, it } from 'vitest';
import { ancestorsOf, COCO_CLASSES, confidenceOf, toLabels, type RawDetection } from '../../src/adapters/local-label-detector/taxonomy.js';

const cls = (name: (typeof COCO_CLASSES)[number]) => COCO_CLASSES.indexOf(name);
const box = (classIndex: number, score: number): RawDetection => ({ classIndex, score, box: [10, 10, 100, 100] });

describe('local label detector: COCO classes and taxonomy', () => {
  it('has the 80 COCO classes in model order, Title Case and unique', () => {
    expect(COCO_CLASSES).toHaveLength(80);
    expect(new Set(COCO_CLASSES).size).toBe(80);
    expect([COCO_CLASSES[0], COCO_CLASSES[15], COCO_CLASSES[16], COCO_CLASSES[41], COCO_CLASSES[79]]).toEqual(['Person', 'Cat', 'Dog', 'Cup', 'Toothbrush']);
    for (const name of COCO_CLASSES) expect(name, name).toMatch(/^(TV|[A-Z][a-z]+( [A-Z][a-z]+)*)$/);
  });

  it('gives Rekognition-like parents: Dog → Animal, Pet, Mammal; Car → Vehicle, Transportation; Person → none', () => {
    expect(ancestorsOf('Dog')).toEqual(expect.arrayContaining(['Animal', 'Pet', 'Mammal']));
    expect(ancestorsOf('Car')).toEqual(['Vehicle', 'Transportation']);
    expect(ancestorsOf('Airplane')).toEqual(['Aircraft', 'Vehicle', 'Transportation']);
    expect(ancestorsOf('Cup')).toEqual(['Tableware']);
    expect(ancestorsOf('Person')).toEqual([]);
    expect(ancestorsOf('Animal')).toEqual([]);
  });

  it('has no cycles or repeats: no label is its own ancestor, each ancestor is listed once', () => {
    for (const name of COCO_CLASSES) {
      const chain = ancestorsOf(name);
      expect(chain, name).not.toContain(name);
      expect(new Set(chain).size, name).toBe(chain.length);
      for (const parent of chain) expect(ancestorsOf(parent), `${name} → ${parent}`).not.toContain(parent);
    }
  });

  it('maps raw scores to a 0–100 confidence, monotonically', () => {
    expect(confidenceOf(0)).toBe(0);
    expect(confidenceOf(1)).toBe(100);
    expect(confidenceOf(-1)).toBe(0);
    expect(confidenceOf(2)).toBe(100);
    const scores = Array.from({ length: 101 }, (_, i) => i / 100);
    for (let i = 1; i < scores.length; i++) expect(confidenceOf(scores[i]!)).toBeGreaterThan(confidenceOf(scores[i - 1]!));
  });
});

describe('local label detector: boxes → labels', () => {
  const boxes = [box(cls('Dog'), 0.64), box(cls('Dog'), 0.36), box(cls('Car'), 0.49), box(cls('Person'), 0.09)];

  it('aggregates per class (highest confidence, instance count) and reports each ancestor as a label', () => {
    const dog = confidenceOf(0.64);
    const car = confidenceOf(0.49);
    const labels = toLabels(boxes, confidenceOf(0.3));
    expect(labels.map((l) => [l.name, l.confidence, l.instances])).toEqual([
      ['Animal', dog, 2],
      ['Canine', dog, 2],
      ['Dog', dog, 2],
      ['Mammal', dog, 2],
      ['Pet', dog, 2],
      ['Car', car, 1],
      ['Transportation', car, 1],
      ['Vehicle', car, 1],
    ]);
    expect(labels.find((l) => l.name === 'Dog')!.parents).toEqual(ancestorsOf('Dog'));
    expect(labels.find((l) => l.name === 'Vehicle')!.parents).toEqual(['Transportation']);
  });

  it('keeps labels at or above MinConfidence, as Rekognition does, and counts only those instances', () => {
    const car = confidenceOf(0.49);
    const atCar = toLabels(boxes, car); // exactly Car's confidence
    expect(atCar.map((l) => l.name)).toContain('Car');
    expect(atCar.find((l) => l.name === 'Dog')!.instances).toBe(1); // the 0.36 box is below
    expect(toLabels(boxes, car + 0.0001).map((l) => l.name)).not.toContain('Car');
    expect(toLabels(boxes, 0).map((l) => l.name)).toContain('Person');
    expect(toLabels(boxes, 100.01)).toEqual([]);
  });

  it('ignores boxes with an unknown class or a score that is not a number', () => {
    expect(toLabels([box(80, 0.9), box(-1, 0.9), box(cls('Cup'), NaN)], 0)).toEqual([]);
  });
});
