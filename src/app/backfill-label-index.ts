import type { AnalysedRecords, ReadPosition } from '../ports/analysed-records.js';
import type { LabelIndex } from '../ports/label-index.js';

/** Where each segment stands: a position to continue from, or 'done'. Saved after every page. */
export type BackfillCheckpoint = { segments: number; positions: (ReadPosition | 'done' | null)[] };

export interface BackfillProgress {
  records: number;
  written: number;
  removed: number;
}

/**
 * Indexes every analysed record (those from before the label index, or any the analyzer
 * missed). Idempotent — `LabelIndex.put` writes only what differs — and resumable: the
 * checkpoint is saved after each page, and a run started from it continues where the last
 * one stopped. Segments run in parallel.
 */
export const backfillLabelIndex = async (o: {
  records: AnalysedRecords;
  index: LabelIndex;
  checkpoint: BackfillCheckpoint;
  save: (c: BackfillCheckpoint) => Promise<void>;
  onPage?: (p: BackfillProgress) => void;
  /** Stop (with the checkpoint saved) once this returns true: a Lambda's remaining time, a signal. */
  shouldStop?: () => boolean;
}): Promise<BackfillProgress & { done: boolean }> => {
  const progress: BackfillProgress = { records: 0, written: 0, removed: 0 };
  const { checkpoint } = o;
  let saving = Promise.resolve();
  const runSegment = async (segment: number) => {
    while (checkpoint.positions[segment] !== 'done' && !o.shouldStop?.()) {
      const after = checkpoint.positions[segment] as ReadPosition | null;
      const { records, next } = await o.records.page(segment, checkpoint.segments, after ?? undefined);
      for (const r of records) {
        const { written, removed } = await o.index.put(r.image_key, r.user_id, r.rekognition_results ?? []);
        progress.records++;
        progress.written += written;
        progress.removed += removed;
      }
      checkpoint.positions[segment] = next ?? 'done';
      saving = saving.then(() => o.save(checkpoint));
      await saving;
      o.onPage?.({ ...progress });
    }
  };
  await Promise.all(checkpoint.positions.map((_, s) => runSegment(s)));
  return { ...progress, done: checkpoint.positions.every((p) => p === 'done') };
};

export const freshCheckpoint = (segments: number): BackfillCheckpoint => ({ segments, positions: Array.from({ length: segments }, () => null) });
