import type { Label } from '../core/labels.js';

/** The label index's write side: one item per (user, image, label). */
export interface LabelIndex {
  /** Makes the user's index items of the image exactly `labels` (stale ones removed); idempotent. */
  put(imageKey: string, userId: string, labels: readonly Label[]): Promise<{ written: number; removed: number }>;
  /** Removes the user's index items of the image; idempotent. Returns how many were removed. */
  remove(imageKey: string, userId: string): Promise<number>;
}
