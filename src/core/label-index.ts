import type { Label } from './labels.js';

/**
 * The label index (docs/data-model.md, "Label index"): one item per (user, image, label)
 * so that "this user's images with label L above confidence v" is one Query on the
 * `label-index` GSI that reads only matches.
 *
 * Base item: partition `image_key` = "<sha256>.<ext>#<user>" — the user's copy of the image
 * gets a partition of its own, so a viral image's partition (all its users' records) takes
 * no extra writes, and deleting the copy finds its index items with one Query.
 * Sort `user_id` = "#label#<name>" ('#' first: never a user id, never "#analysis").
 * GSI keys: `label_key` = "<user>#<name>", `label_rank` = "<hundredths, 5 digits>#<image_key>".
 */
export const LABEL_ITEM_PREFIX = '#label#';
/** Longest label name indexed (Rekognition's are far shorter); keeps keys well under 1 KB. */
export const MAX_INDEXED_NAME = 200;
const RANK_DIGITS = 5; // 0..10000 hundredths of a percent

export const normalizeLabelName = (name: string): string => name.trim().toLowerCase();

/** The partition holding one user's index items for one image. */
export const labelItemsPartition = (imageKey: string, userId: string): string => `${imageKey}#${userId}`;
export const labelItemSortKey = (name: string): string => `${LABEL_ITEM_PREFIX}${normalizeLabelName(name)}`;
export const labelIndexKey = (userId: string, name: string): string => `${userId}#${normalizeLabelName(name)}`;

/** Confidence as integer hundredths (labels are stored with two decimals). */
const hundredths = (confidence: number): number => Math.min(10_000, Math.max(0, Math.round(confidence * 100)));
const pad = (n: number) => String(n).padStart(RANK_DIGITS, '0');

export const labelRank = (confidence: number, imageKey: string): string => `${pad(hundredths(confidence))}#${imageKey}`;
export const imageKeyOfRank = (rank: string): string => rank.slice(RANK_DIGITS + 1);

/**
 * The smallest rank prefix of a confidence strictly above `threshold`: `label_rank >= this`
 * selects exactly the labels `matchesFilter` accepts for `> threshold` (two-decimal
 * confidences; thresholds have at most six decimals, so micro-units are exact integers).
 * Above 100 nothing can match: the returned bound sorts after every rank.
 */
export const lowestRankAbove = (threshold: number): string => {
  const micro = Math.round(threshold * 1_000_000);
  const lowest = Math.floor(micro / 10_000) + 1;
  return lowest > 10_000 ? '~' : pad(lowest);
};

export interface LabelIndexItem {
  image_key: string;
  user_id: string;
  label_key: string;
  label_rank: string;
}

/** The index items of one user's analysed image: one per distinct (case-insensitive) name, at its highest confidence. */
export const labelIndexItems = (imageKey: string, userId: string, labels: readonly Label[]): LabelIndexItem[] => {
  const best = new Map<string, number>();
  for (const l of labels) {
    const name = normalizeLabelName(l.name);
    if (!name || name.length > MAX_INDEXED_NAME || !Number.isFinite(l.confidence)) continue;
    const seen = best.get(name);
    if (seen === undefined || l.confidence > seen) best.set(name, l.confidence);
  }
  return [...best].map(([name, confidence]) => ({
    image_key: labelItemsPartition(imageKey, userId),
    user_id: labelItemSortKey(name),
    label_key: labelIndexKey(userId, name),
    label_rank: labelRank(confidence, imageKey),
  }));
};
