/**
 * Multi-scale inference: the model on every view of a decoded image, in turn, then one set of
 * boxes in the image's own pixels — full-frame boxes re-judged by the tiles that saw their object
 * whole, and the same object seen by several views kept once (NMS per class). Worker thread only.
 */
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { DecodedImage } from './image.js';
import { detect, suppressPerClass } from './model.js';
import type { RawDetection } from './taxonomy.js';
import { reconcileViews, toImageBox, type Box, type ViewDetections } from './views.js';

export const detectViews = async (model: GraphModel, image: DecodedImage): Promise<RawDetection[]> => {
  const seen: ViewDetections<RawDetection>[] = [];
  for (const view of image.views) {
    const found = await detect(model, view.pixels); // boxes in the view's 512-px input
    seen.push({ region: view.region, detections: found.map((d) => ({ ...d, box: toImageBox(d.box, view.region, view.fit) })) });
  }
  const merged = await suppressPerClass(reconcileViews(seen), Math.max(image.width, image.height));
  return merged.map((d) => ({ ...d, box: d.box.map((v) => v * image.pixelScale) as Box })); // working copy → the image's pixels
};
