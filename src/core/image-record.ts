import type * as z from 'zod/mini';
import { VERDICTS, type AnalysisSource, type ImageStatus } from '../wire/constants.js';
import type { Placement as PlacementSchema } from '../wire/common.js';
import type { Label } from './labels.js';
import type { ModerationReason } from './moderation.js';
import type { VariantsInfo } from './variants.js';

export type { AnalysisSource, ImageStatus } from '../wire/constants.js';
export const ANALYSED: readonly ImageStatus[] = VERDICTS;

/** One post an image was registered in (an image can be in several posts of one user). */
export type Placement = z.output<typeof PlacementSchema>;

/** The record of one user's copy of one image: partition `image_key`, sort `user_id`. */
export interface ImageRecord extends Partial<Placement> {
  image_key: string;
  user_id: string;
  file_name: string;
  image_hash: string;
  extension: string;
  content_type: string;
  status: ImageStatus;
  rekognition_results: Label[];
  analysis_source?: AnalysisSource;
  censored_confidence?: number | null;
  /** Why it is under_review / rejected (absent when approved). */
  moderation?: ModerationReason;
  /** The shared variants' dimensions and sizes (absent before they are made). */
  variants?: VariantsInfo;
  failure_reason?: string;
  object_size?: number;
  created_at: string;
  updated_at: string;
  uploaded_at?: string;
  analysed_at?: string;
  /** Epoch seconds; set only while `waiting` (DynamoDB TTL attribute). */
  expires_at?: number;
}

/** DynamoDB TTL deletes lazily (up to days late): reads must treat expired items as gone. */
export const isExpired = (item: { expires_at?: number }, nowMs: number): boolean =>
  item.expires_at !== undefined && item.expires_at * 1000 <= nowMs;

export const isAnalysed = (status: ImageStatus): boolean => ANALYSED.includes(status);
