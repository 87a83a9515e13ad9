import type { ImageName } from '../core/file-name.js';
import type { AnalysisSource, ImageRecord } from '../core/image-record.js';
import type { Label } from '../core/labels.js';
import type { Moderated, ModerationPolicy } from '../core/moderation.js';
import type { LabelDetector } from '../ports/label-detector.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { RecordStore } from '../ports/record-store.js';
import type { TerminalStatus } from '../wire/constants.js';
import type { VariantsInfo } from '../core/variants.js';
import type { MakeVariants } from './make-variants.js';

/**
 * The analysis use-case as a pipeline of named steps over one state object.
 * A step reads what earlier steps left in the state, adds its own result, and
 * either lets the next step run or ends the job (`'stop'`). Features add a step
 * (see `analysisSteps` in ./analyse-image.ts) or an outcome listener instead of
 * rewriting the flow.
 */

/** What the analyzer needs from the outside world and its settings. */
export interface AnalysisDeps {
  records: RecordStore;
  objects: ObjectStore;
  detector: LabelDetector;
  bucket: string;
  policy: ModerationPolicy;
  maxReceiveCount: number;
  leaseSeconds: number;
  waitSeconds: number;
  telemetry?: AnalysisTelemetry;
  now?: () => number;
  /** Makes thumb and preview under the detection's claim (issue 14); absent = no variants. */
  makeVariants?: MakeVariants;
}

/** Logging and counting, without tying the use-case to a logging library. */
export interface AnalysisTelemetry {
  info(message: string, fields?: Record<string, unknown>): void;
  count(metric: 'LabelsDetected' | 'AnalysisDetected' | 'AnalysisReused' | 'AnalysisFailed'): void;
}

/** One uploaded object to analyse, from one queue message. */
export interface AnalysisJob {
  name: ImageName;
  imageKey: string;
  fileName: string;
  objectSize: number | undefined;
  message: { id: string; receiveCount: number };
}

/** How the user's record ended, when it reached a terminal status. */
export interface AnalysisOutcome {
  status: TerminalStatus;
  /** False when the record already had this status (a duplicate delivery) or was deleted meanwhile. */
  changed: boolean;
  failureReason?: string;
}

/** What the steps know so far; each step fills in its part. */
export interface AnalysisState {
  readonly job: AnalysisJob;
  /** The user's record once marked uploaded. */
  record?: ImageRecord;
  /** Everything the detector saw (down to the detection floor), and where it came from. */
  detected?: { labels: Label[]; source: AnalysisSource };
  verdict?: Moderated;
  /** The image's shared variants (made now, or with the analysis that is reused). */
  variants?: VariantsInfo;
  /** Set when the record reached a terminal status (stored verdict, or failure). */
  outcome?: AnalysisOutcome;
}

export interface AnalysisStep {
  readonly name: string;
  /** `'stop'` ends the job successfully (nothing more to do for this message). */
  run(state: AnalysisState): Promise<'stop' | void>;
}

/** Runs once the record reached a terminal status (e.g. to publish an event). */
export type OutcomeListener = (state: AnalysisState & { outcome: AnalysisOutcome }) => Promise<void>;

/**
 * Thrown by a step for a failure that cannot heal (say, an object that is not a
 * decodable image): the record ends `failed` at once with `code: sentence` as its
 * reason, and the message is not retried.
 */
export class PermanentAnalysisError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PermanentAnalysisError';
  }
}
