import type { ImageName } from '../core/file-name.js';
import type { AnalysisSource, ImageRecord, Placement } from '../core/image-record.js';
import type { Label } from '../core/labels.js';
import type { ModerationReason, Verdict } from '../core/moderation.js';
import type { VariantsInfo } from '../core/variants.js';
import type { Registration } from '../core/receiver-input.js';
import type { ScanCandidate, ScanPlan } from '../core/scan-plan.js';

/** The shared, per-image analysis: at most one detection per distinct image. */
export interface Analysis {
  state: 'running' | 'done' | 'failed';
  /** Everything the detector saw down to the detection floor. */
  labels: Label[];
  claimed_by?: string;
  failure_reason?: string;
  /** The variants made with this analysis (absent for analyses older than variants, or after their last user left). */
  variants?: VariantsInfo;
}

export interface AnalysisResult {
  status: Verdict;
  labels: Label[];
  censoredConfidence: number | null;
  source: AnalysisSource;
  /** Why the record is under_review / rejected; absent when approved. */
  moderation?: ModerationReason;
  variants?: VariantsInfo;
}

export interface RecordStore {
  /**
   * Registers (or re-registers) a user's image in a post. A new record waits for
   * its upload and expires after `waitingTtlSeconds`; an existing one keeps its
   * analysis and only takes the new metadata. `created` is false on re-registration.
   */
  register(reg: Registration, nowMs: number, waitingTtlSeconds: number): Promise<{ created: boolean }>;
  /** The user's record, or undefined when absent or expired. */
  get(imageKey: string, userId: string, nowMs: number): Promise<ImageRecord | undefined>;
  /** The posts the user registered this image in. */
  placements(imageKey: string, userId: string, nowMs: number): Promise<Placement[]>;
  /**
   * The upload arrived: the record (created if the receiver never saw it) leaves
   * `waiting` for `analysing` and stops expiring. Returns the record as it now is;
   * an already analysed record is returned unchanged, a deleted one as undefined (it stays deleted).
   */
  markUploaded(name: ImageName, objectSize: number | undefined, nowMs: number): Promise<ImageRecord | undefined>;
  getAnalysis(imageKey: string): Promise<Analysis | undefined>;
  /** Conditional write: true for exactly one claimant while no analysis is done or running (or its lease lapsed). */
  claimAnalysis(imageKey: string, claimant: string, nowMs: number, leaseSeconds: number): Promise<boolean>;
  completeAnalysis(imageKey: string, claimant: string, labels: Label[], nowMs: number, variants?: VariantsInfo): Promise<void>;
  /** Stores variants made after the analysis was done (conditional on `done`). */
  setAnalysisVariants(imageKey: string, variants: VariantsInfo): Promise<void>;
  /** Forgets the variants of an image whose last user deleted it (their objects are being removed). */
  dropAnalysisVariants(imageKey: string): Promise<void>;
  /** Whether another user than `userId` still has a live record of the image. */
  usedByOthers(imageKey: string, userId: string, nowMs: number): Promise<boolean>;
  abandonAnalysis(imageKey: string, claimant: string, reason: string, nowMs: number): Promise<void>;
  /**
   * Stores a verdict on the user's record; a record deleted meanwhile is not resurrected.
   * `changed`: the record moved to this status (false if it already had it, or is gone).
   */
  applyAnalysis(imageKey: string, userId: string, result: AnalysisResult, nowMs: number): Promise<{ changed: boolean }>;
  /** Marks an analysing record `failed` with the reason; `changed` as for applyAnalysis. */
  markFailed(imageKey: string, userId: string, reason: string, nowMs: number): Promise<{ changed: boolean }>;
  /** The group's records, read through a GSI Query (never a Scan). */
  queryGroup(userId: string, plan: ScanPlan): Promise<ScanCandidate[]>;
  /** Removes the user's record and placements; idempotent. The shared analysis stays. */
  remove(imageKey: string, userId: string, nowMs: number): Promise<void>;
}
