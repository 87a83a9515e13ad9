import type { Label } from '../core/labels.js';

/** An analysed copy as the backfill needs it. */
export interface AnalysedRecord {
  image_key: string;
  user_id: string;
  rekognition_results: Label[];
}

/** Where a segment of a full read stopped: opaque, JSON-serialisable. */
export type ReadPosition = Record<string, unknown>;

/**
 * Every analysed record, read in `segments` independent parts (a maintenance read for the
 * backfill, never a request path). `next` is undefined when the segment is done.
 */
export interface AnalysedRecords {
  page(segment: number, segments: number, after: ReadPosition | undefined): Promise<{ records: AnalysedRecord[]; next?: ReadPosition }>;
}
