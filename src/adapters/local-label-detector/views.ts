/**
 * Multi-scale inference, the geometry (pure): which regions of an image the model looks at,
 * and how a box found in a region maps back to the image. The model sees 512×512; a 12 MP
 * photo squeezed into that loses every small subject, so large images are also cut into
 * overlapping tiles, each shown to the model at (at most) its own resolution.
 */
import { INPUT_SIZE } from './model-shape.js';

/** A rectangle of the image, in its pixels. */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where a region lands in the model's input: scaled by `scale`, aspect kept, centred on black padding. */
export interface Letterbox {
  scale: number;
  padX: number;
  padY: number;
  /** The scaled region's size inside the input, whole pixels. */
  width: number;
  height: number;
}

export type Box = [x1: number, y1: number, x2: number, y2: number];

/** Neighbouring tiles share a quarter of their width (height), so an object cut by one edge is whole in the next tile. */
export const TILE_OVERLAP = 0.25;
/** At most 3×3 tiles (+ the full frame = 10 inferences): the cost stays bounded on 12 MP and larger photos. */
export const MAX_TILES_PER_SIDE = 3;

/** Tiles along a side of `length` pixels: the most (≤ 3) whose tiles still have ≥ 512 px, so a tile is never enlarged. */
export const tilesAlong = (length: number): number => {
  let n = 1;
  while (n < MAX_TILES_PER_SIDE && length / (n + 1 - n * TILE_OVERLAP) >= INPUT_SIZE) n++;
  return n;
};

/**
 * The regions to run the model on: the full frame first, then — when the image has room
 * for more than one tile along a side — the overlapping grid. A 600×400 photo is one view;
 * 1000×800 is 1 + 2×1; 4000×3000 is 1 + 3×3.
 */
export const planViews = (width: number, height: number): Region[] => {
  if (!(width > 0 && height > 0)) throw new RangeError(`image size must be positive, got ${width}×${height}`);
  const full: Region = { x: 0, y: 0, width, height };
  const columns = tilesAlong(width);
  const rows = tilesAlong(height);
  if (columns === 1 && rows === 1) return [full];
  const tileWidth = width / (columns - (columns - 1) * TILE_OVERLAP);
  const tileHeight = height / (rows - (rows - 1) * TILE_OVERLAP);
  const tiles: Region[] = [];
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      tiles.push({ x: column * tileWidth * (1 - TILE_OVERLAP), y: row * tileHeight * (1 - TILE_OVERLAP), width: tileWidth, height: tileHeight });
    }
  }
  return [full, ...tiles];
};

/** A region snapped to whole pixels inside the image (what the decoder can extract). */
export const pixelRegion = (r: Region, imageWidth: number, imageHeight: number): Region => {
  const x = Math.min(imageWidth - 1, Math.max(0, Math.round(r.x)));
  const y = Math.min(imageHeight - 1, Math.max(0, Math.round(r.y)));
  return { x, y, width: Math.max(1, Math.min(imageWidth - x, Math.round(r.width))), height: Math.max(1, Math.min(imageHeight - y, Math.round(r.height))) };
};

/** The region fitted into the model's square input with its aspect ratio kept (the model was trained on undistorted images). */
export const letterbox = (r: Pick<Region, 'width' | 'height'>): Letterbox => {
  const scale = INPUT_SIZE / Math.max(r.width, r.height);
  const width = Math.max(1, Math.min(INPUT_SIZE, Math.round(r.width * scale)));
  const height = Math.max(1, Math.min(INPUT_SIZE, Math.round(r.height * scale)));
  return { scale, padX: Math.floor((INPUT_SIZE - width) / 2), padY: Math.floor((INPUT_SIZE - height) / 2), width, height };
};

/** A box from the model's input space back to the image's pixels, clipped to the region. */
export const toImageBox = ([x1, y1, x2, y2]: Box, region: Region, fit: Letterbox): Box => {
  const sx = region.width / fit.width;
  const sy = region.height / fit.height;
  const clipX = (v: number) => Math.min(region.x + region.width, Math.max(region.x, region.x + (v - fit.padX) * sx));
  const clipY = (v: number) => Math.min(region.y + region.height, Math.max(region.y, region.y + (v - fit.padY) * sy));
  return [clipX(x1), clipY(y1), clipX(x2), clipY(y2)];
};

const intersection = (a: Box, b: Box) => Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0])) * Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));

/** The share of a box's area that lies inside a region. */
const coverage = (box: Box, r: Region): number => {
  const area = (box[2] - box[0]) * (box[3] - box[1]);
  if (area <= 0) return 0;
  return intersection(box, [r.x, r.y, r.x + r.width, r.y + r.height]) / area;
};

/** A full-frame box this much inside a tile is an object the tile saw whole, at a higher resolution. */
export const JUDGED_BY_TILE = 0.8;

export interface ViewDetections<D extends { classIndex: number; box: Box }> {
  region: Region;
  /** In the image's pixels. */
  detections: D[];
}

/**
 * Which boxes to keep once every view has looked. An object that lies (≥ 80 %) inside a tile
 * was seen there at a higher resolution (2.5× the full frame's on a 12 MP photo), so the tile
 * is its judge and the full frame's opinion of it is dropped: in the labelled set, a far-off
 * dog squeezed to 50 px reads as a confident "cat" in the full frame, while its tile sees a
 * dog. Objects larger than a tile keep their full-frame boxes, as do single-view images.
 * Returns the kept boxes of every view; the caller then merges duplicates (NMS per class).
 */
export const reconcileViews = <D extends { classIndex: number; box: Box }>([full, ...tiles]: ViewDetections<D>[]): D[] => {
  if (!full) return [];
  const kept = full.detections.filter((d) => !tiles.some((t) => coverage(d.box, t.region) >= JUDGED_BY_TILE));
  return [...kept, ...tiles.flatMap((t) => t.detections)];
};
