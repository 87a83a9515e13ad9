import type { AnalysisStep } from './analysis-pipeline.js';
import type { LabelIndex } from '../ports/label-index.js';
import type { RecordStore } from '../ports/record-store.js';

/**
 * The label index in the analysis pipeline (docs/data-model.md, "Label index"): the user's copy
 * is indexed under the labels its verdict stores — a detected or a reused analysis alike.
 *
 * `index-labels` runs *before* `store-verdict`: if indexing fails the message is retried and the
 * whole analysis runs again, whereas after a stored verdict a redelivery stops at `mark-uploaded`
 * and would never index. Index items of a copy that is not analysed yet are harmless: the scan
 * checks every record's status. `unindex-if-deleted` runs after `store-verdict`: when the verdict
 * was not stored because the copy was deleted meanwhile (a DELETE that ran before the index write
 * could not see these items), it removes them; a DELETE after the write finds them itself.
 */
export const labelIndexSteps = (d: { labelIndex: LabelIndex; records: Pick<RecordStore, 'get'>; now?: () => number }) => {
  const now = d.now ?? Date.now;
  const indexLabels: AnalysisStep = {
    name: 'index-labels',
    async run({ job, verdict }) {
      await d.labelIndex.put(job.imageKey, job.name.userId, verdict!.labels);
    },
  };
  const unindexIfDeleted: AnalysisStep = {
    name: 'unindex-if-deleted',
    async run({ job, outcome }) {
      if (outcome?.changed) return;
      if (!(await d.records.get(job.imageKey, job.name.userId, now()))) await d.labelIndex.remove(job.imageKey, job.name.userId);
    },
  };
  return { indexLabels, unindexIfDeleted };
};

/** The standard steps with the label index's around `store-verdict`. */
export const withLabelIndex = (steps: AnalysisStep[], d: Parameters<typeof labelIndexSteps>[0]): AnalysisStep[] => {
  const { indexLabels, unindexIfDeleted } = labelIndexSteps(d);
  const at = steps.findIndex((s) => s.name === 'store-verdict');
  if (at < 0) throw new Error('the analysis pipeline has no store-verdict step');
  return [...steps.slice(0, at), indexLabels, steps[at]!, unindexIfDeleted, ...steps.slice(at + 1)];
};
