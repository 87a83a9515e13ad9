import { formatFileName, formatImageKey, type ImageName } from '../core/file-name.js';
import { isAnalysed } from '../core/image-record.js';
import type { Label } from '../core/labels.js';
import { detectionFloor, moderate, moderationReason } from '../core/moderation.js';
import { ANALYSIS_FAILED, FAILURE_SENTENCES, isPermanentImageError, type VariantsInfo } from '../core/variants.js';
import { ImageNotAnalysableError } from '../ports/label-detector.js';
import { PermanentAnalysisError, type AnalysisDeps, type AnalysisJob, type AnalysisState, type AnalysisStep, type OutcomeListener } from './analysis-pipeline.js';

export { PermanentAnalysisError } from './analysis-pipeline.js';
export type { AnalysisDeps, AnalysisJob, AnalysisOutcome, AnalysisState, AnalysisStep, AnalysisTelemetry, OutcomeListener } from './analysis-pipeline.js';

/** Another invocation is detecting this image: retry the message later, its result will be reused. */
export class AnalysisInProgressError extends Error {
  constructor(imageKey: string) {
    super(`analysis of ${imageKey} is in progress elsewhere`);
    this.name = 'AnalysisInProgressError';
  }
}

const POLL_MS = 200;

/**
 * An original that can never be decoded (variants) or analysed (the detector's own refusal) ends the
 * record `failed` at once, with a code and the owner's sentence; anything else is retried.
 */
function permanentOrRethrow(e: unknown): never {
  if (isPermanentImageError(e)) throw new PermanentAnalysisError(e.reason.code, e.reason.message);
  if (e instanceof ImageNotAnalysableError) {
    const code = /TooLarge/.test(e.message) ? 'too_large' : 'invalid_image';
    throw new PermanentAnalysisError(code, FAILURE_SENTENCES[code]);
  }
  throw e;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The standard steps, in order. Where upcoming features plug in:
 * - image variants: inside `detect-or-reuse`, under the same claim (`d.makeVariants`): the original is
 *   decoded once per distinct image, and one too large for the detector is detected on its preview;
 * - the label index: a step after `store-verdict` (when `state.outcome?.changed`);
 * - completion events: an `OutcomeListener` (runs after a stored verdict and after a failure).
 */
export const analysisSteps = (d: AnalysisDeps): AnalysisStep[] => {
  const now = d.now ?? Date.now;
  const floor = detectionFloor(d.policy);
  return [
    {
      // S3 delivers at least once and a user may delete before we run: a notification
      // for an object that is gone must not bring its record back.
      name: 'skip-deleted-object',
      async run({ job }) {
        if (await d.objects.exists(job.fileName)) return;
        d.telemetry?.info('ignoring notification for a deleted object', { imageKey: job.imageKey, userId: job.name.userId });
        return 'stop';
      },
    },
    {
      name: 'mark-uploaded',
      async run(state) {
        const record = await d.records.markUploaded(state.job.name, state.job.objectSize, now());
        if (!record || isAnalysed(record.status)) return 'stop'; // deleted meanwhile, or a duplicate notification
        state.record = record;
      },
    },
    {
      // The shared analysis if done, else one detection, claimed by conditional write.
      name: 'detect-or-reuse',
      async run(state) {
        const { name, imageKey, fileName, message } = state.job;
        const claimant = `${name.userId}:${message.id}`;
        const deadline = now() + d.waitSeconds * 1000;
        for (;;) {
          const analysis = await d.records.getAnalysis(imageKey);
          if (analysis?.state === 'done') {
            state.detected = { labels: analysis.labels, source: 'reused' };
            state.variants = analysis.variants;
            if (!state.variants && d.makeVariants) {
              // Analysed before variants existed, or its variants went with its last user: make them again
              // (same bytes → same objects, so a concurrent remake is harmless). Labels are still reused.
              state.variants = (await d.makeVariants(imageKey, fileName).catch(permanentOrRethrow)).variants;
              await d.records.setAnalysisVariants(imageKey, state.variants);
            }
            return;
          }
          if (await d.records.claimAnalysis(imageKey, claimant, now(), d.leaseSeconds)) {
            let labels: Label[];
            let variants: VariantsInfo | undefined;
            try {
              let detectOn = fileName;
              if (d.makeVariants) ({ variants, detectOn } = await d.makeVariants(imageKey, fileName));
              labels = await d.detector.detect({ bucket: d.bucket, key: detectOn, imageHash: name.imageHash }, floor);
            } catch (e) {
              await d.records.abandonAnalysis(imageKey, claimant, (e as Error).message.slice(0, 500), now());
              permanentOrRethrow(e);
            }
            state.variants = variants;
            await d.records.completeAnalysis(imageKey, claimant, labels, now(), variants);
            d.telemetry?.count('LabelsDetected');
            state.detected = { labels, source: 'detected' };
            return;
          }
          if (now() >= deadline) throw new AnalysisInProgressError(imageKey);
          await sleep(POLL_MS);
        }
      },
    },
    {
      name: 'moderate',
      async run(state) {
        state.verdict = moderate(state.detected!.labels, d.policy);
      },
    },
    {
      name: 'store-verdict',
      async run(state) {
        const { job, verdict, detected } = state;
        const moderation = moderationReason(verdict!, d.policy);
        const { changed } = await d.records.applyAnalysis(
          job.imageKey,
          job.name.userId,
          { ...verdict!, source: detected!.source, ...(moderation ? { moderation } : {}), ...(state.variants ? { variants: state.variants } : {}) },
          now(),
        );
        state.outcome = { status: verdict!.status, changed };
        d.telemetry?.count(detected!.source === 'reused' ? 'AnalysisReused' : 'AnalysisDetected');
        d.telemetry?.info('image analysed', { imageKey: job.imageKey, userId: job.name.userId, status: verdict!.status, source: detected!.source });
      },
    },
  ];
};

export interface AnalysePipeline {
  steps?: AnalysisStep[];
  onOutcome?: OutcomeListener[];
}

/**
 * The analysis of one uploaded object: mark it uploaded, get its labels once per
 * distinct image, store the verdict. A failure is rethrown (the message returns to
 * the queue); on the last delivery before the DLQ the record says `failed`, with the reason.
 * A PermanentAnalysisError ends the record `failed` at once and is not rethrown (no retry).
 */
export const createAnalyseImage = (d: AnalysisDeps, pipeline: AnalysePipeline = {}) => {
  const now = d.now ?? Date.now;
  const steps = pipeline.steps ?? analysisSteps(d);
  const listeners = pipeline.onOutcome ?? [];

  const finish = async (state: AnalysisState) => {
    const { outcome } = state;
    if (outcome) for (const listen of listeners) await listen({ ...state, outcome });
  };

  return async (name: ImageName, objectSize: number | undefined, message: AnalysisJob['message']): Promise<AnalysisState> => {
    const state: AnalysisState = { job: { name, imageKey: formatImageKey(name), fileName: formatFileName(name), objectSize, message } };
    try {
      for (const step of steps) if ((await step.run(state)) === 'stop') break;
    } catch (e) {
      const permanent = e instanceof PermanentAnalysisError;
      if (permanent || message.receiveCount >= d.maxReceiveCount) {
        // `code: sentence` for the owner; a transient error's internal text goes to the log only.
        const failureReason = (permanent ? `${e.code}: ${e.message}` : `${ANALYSIS_FAILED.code}: ${ANALYSIS_FAILED.message}`).slice(0, 500);
        d.telemetry?.info('analysis failed for good', { imageKey: state.job.imageKey, userId: name.userId, reason: failureReason, error: `${(e as Error).name}: ${(e as Error).message}`.slice(0, 500) });
        const { changed } = await d.records.markFailed(state.job.imageKey, name.userId, failureReason, now());
        d.telemetry?.count('AnalysisFailed');
        state.outcome = { status: 'failed', changed, failureReason };
        await finish(state);
      }
      if (permanent) return state;
      throw e;
    }
    await finish(state);
    return state;
  };
};
