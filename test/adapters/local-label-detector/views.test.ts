import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { letterbox, pixelRegion, planViews, reconcileViews, tilesAlong, toImageBox, type Region } from '../../../src/adapters/local-label-detector/views.js';

const size = fc.integer({ min: 1, max: 12_000 });

describe('planViews: the full frame, then overlapping tiles on large images', () => {
  it('is the full frame alone up to 896 px a side, where a second tile would have to be enlarged', () => {
    expect(planViews(600, 400)).toEqual([{ x: 0, y: 0, width: 600, height: 400 }]);
    expect(planViews(895, 895)).toHaveLength(1);
    expect(planViews(896, 400)).toHaveLength(1 + 2); // two tiles across, one down
    expect(planViews(4000, 3000)).toHaveLength(1 + 9); // capped at 3×3
    expect(tilesAlong(100_000)).toBe(3);
  });

  it('covers every pixel with tiles that stay inside the image, overlap, and are never smaller than the model input', () => {
    fc.assert(
      fc.property(size, size, (width, height) => {
        const [full, ...tiles] = planViews(width, height);
        expect(full).toEqual({ x: 0, y: 0, width, height });
        if (tiles.length === 0) return;
        for (const t of tiles) {
          expect(t.x).toBeGreaterThanOrEqual(0);
          expect(t.y).toBeGreaterThanOrEqual(0);
          expect(t.x + t.width).toBeLessThanOrEqual(width + 1e-6);
          expect(t.y + t.height).toBeLessThanOrEqual(height + 1e-6);
          expect(Math.max(t.width, t.height)).toBeGreaterThanOrEqual(512 - 1e-6);
        }
        // Every sampled point of the image lies inside some tile.
        for (let i = 0; i <= 20; i++) {
          const x = (width * i) / 20;
          const y = (height * ((i * 7) % 21)) / 20;
          expect(tiles.some((t) => x >= t.x - 1e-6 && x <= t.x + t.width + 1e-6 && y >= t.y - 1e-6 && y <= t.y + t.height + 1e-6)).toBe(true);
        }
      }),
    );
  });
});

describe('letterbox and toImageBox', () => {
  it('maps a box in the model input back to the image region it came from', () => {
    fc.assert(
      fc.property(size, size, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (width, height, fx, fy) => {
        const region: Region = { x: 100, y: 50, width, height };
        const fit = letterbox(region);
        expect(Math.max(fit.width, fit.height)).toBe(512);
        // A point at fraction (fx, fy) of the region, seen in the input, maps back to the same fraction.
        const ix = fit.padX + fx * fit.width;
        const iy = fit.padY + fy * fit.height;
        const [x1, y1] = toImageBox([ix, iy, ix, iy], region, fit);
        expect(x1).toBeCloseTo(region.x + fx * width, 6);
        expect(y1).toBeCloseTo(region.y + fy * height, 6);
      }),
    );
  });

  it('clips a box that spills into the black bars to the region', () => {
    const region: Region = { x: 0, y: 0, width: 600, height: 300 };
    const fit = letterbox(region); // 512×256, bars of 128 above and below
    expect(toImageBox([-10, 0, 600, 512], region, fit)).toEqual([0, 0, 600, 300]);
  });

  it('snaps a region to whole pixels inside the image', () => {
    expect(pixelRegion({ x: 1066.6, y: -0.2, width: 1600.4, height: 3000.7 }, 4000, 3000)).toEqual({ x: 1067, y: 0, width: 1600, height: 3000 });
  });
});

describe('reconcileViews: the tile that saw an object whole judges it', () => {
  const d = (classIndex: number, box: [number, number, number, number]) => ({ classIndex, box });
  const full: Region = { x: 0, y: 0, width: 2560, height: 1920 };
  const left: Region = { x: 0, y: 0, width: 1024, height: 768 };
  const right: Region = { x: 1536, y: 0, width: 1024, height: 768 };

  it('drops a full-frame box lying inside a tile, keeps one larger than any tile, and every tile box', () => {
    const smallCat = d(15, [100, 100, 300, 300]); // inside the left tile
    const bigBus = d(5, [200, 100, 2400, 1800]); // larger than any tile
    const tileDog = d(16, [110, 105, 290, 310]);
    const kept = reconcileViews([
      { region: full, detections: [smallCat, bigBus] },
      { region: left, detections: [tileDog] },
      { region: right, detections: [] },
    ]);
    expect(kept).toEqual([bigBus, tileDog]);
  });

  it('keeps every box of a single-view image', () => {
    const boxes = [d(0, [0, 0, 10, 10]), d(1, [5, 5, 50, 50])];
    expect(reconcileViews([{ region: full, detections: boxes }])).toEqual(boxes);
    expect(reconcileViews([])).toEqual([]);
  });

  it('keeps a box straddling two tiles when neither holds 80 % of it', () => {
    const straddling = d(2, [800, 100, 1700, 300]); // 224 of 900 px in the left tile, 164 in the right
    expect(reconcileViews([{ region: full, detections: [straddling] }, { region: left, detections: [] }, { region: right, detections: [] }])).toEqual([straddling]);
  });
});
