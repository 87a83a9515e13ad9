import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisSteps, createAnalyseImage, PermanentAnalysisError, type AnalysisDeps, type AnalysisState } from '../../src/app/analyse-image.js';
import { startTestDynamo, type TestDynamo } from '../helpers/dynalite-table.js';
import { CountingDetector, label, MemoryObjectStore } from '../helpers/port-fakes.js';
import { fileNameOf, hashOf, registration } from '../helpers/record-builders.js';

const BUCKET = 'pipeline-bucket';
let db: TestDynamo;
beforeAll(async () => {
  db = await startTestDynamo('pipeline');
});
afterAll(async () => {
  await db?.close();
});

const objects = new MemoryObjectStore(BUCKET);
const deps = (detector: CountingDetector): AnalysisDeps => ({
  records: db.store,
  objects,
  detector,
  bucket: BUCKET,
  policy: { minConfidence: 75, censoredLabel: 'cat', rejectedThreshold: 90, underReviewThreshold: 50 },
  maxReceiveCount: 2,
  leaseSeconds: 60,
  waitSeconds: 0,
});
const upload = async (userId: string, seed: string) => {
  const imageHash = hashOf(seed);
  await db.store.register(registration({ userId, imageHash }), Date.now(), 3600);
  objects.objects.add(fileNameOf(userId, imageHash));
  return { userId, imageHash, extension: 'jpg' as const };
};

describe('the analysis use-case as a pipeline of steps', () => {
  it('runs the named steps in order and reports the outcome to listeners once, with changed', async () => {
    const name = await upload('p-1', 'pipeline-one');
    const detector = new CountingDetector({ [name.imageHash]: [label('Cat', 95)] });
    const seen: AnalysisState[] = [];
    const analyse = createAnalyseImage(deps(detector), { onOutcome: [async (s) => void seen.push(s)] });
    const state = await analyse(name, 10, { id: 'm-1', receiveCount: 1 });
    expect(analysisSteps(deps(detector)).map((s) => s.name)).toEqual(['skip-deleted-object', 'mark-uploaded', 'detect-or-reuse', 'moderate', 'store-verdict']);
    expect(state.outcome).toEqual({ status: 'rejected', changed: true });
    expect(state.detected?.source).toBe('detected');
    expect(seen).toHaveLength(1);
    expect(seen[0]!.job.fileName).toBe(fileNameOf('p-1', name.imageHash));
    // A duplicate delivery stops at mark-uploaded: no second outcome.
    await analyse(name, 10, { id: 'm-2', receiveCount: 1 });
    expect(seen).toHaveLength(1);
    expect(detector.calls).toHaveLength(1);
  });

  it('takes an inserted step, whose stop ends the job before detection', async () => {
    const name = await upload('p-2', 'pipeline-two');
    const detector = new CountingDetector();
    const steps = analysisSteps(deps(detector));
    const ran: string[] = [];
    steps.splice(steps.findIndex((s) => s.name === 'detect-or-reuse'), 0, { name: 'variants', run: async (s) => (ran.push(s.job.fileName), 'stop') });
    const state = await createAnalyseImage(deps(detector), { steps })(name, 10, { id: 'm-3', receiveCount: 1 });
    expect(ran).toEqual([fileNameOf('p-2', name.imageHash)]);
    expect(detector.calls).toHaveLength(0);
    expect(state.outcome).toBeUndefined();
  });

  it('marks the record failed on the last delivery and tells the listeners, then rethrows', async () => {
    const name = await upload('p-3', 'pipeline-three');
    const detector = new CountingDetector();
    detector.fail = () => new Error('detector down');
    const seen: string[] = [];
    const analyse = createAnalyseImage(deps(detector), { onOutcome: [async (s) => void seen.push(`${s.outcome.status}:${s.outcome.changed}`)] });
    await expect(analyse(name, 10, { id: 'm-4', receiveCount: 1 })).rejects.toThrow('detector down');
    expect(seen).toEqual([]);
    await expect(analyse(name, 10, { id: 'm-5', receiveCount: 2 })).rejects.toThrow('detector down');
    expect(seen).toEqual(['failed:true']);
  });

  it('ends a permanent failure at once: failed with its code on the first delivery, not rethrown', async () => {
    const name = await upload('p-4', 'pipeline-four');
    const detector = new CountingDetector();
    const steps = analysisSteps(deps(detector));
    steps.splice(1 + steps.findIndex((s) => s.name === 'mark-uploaded'), 0, {
      name: 'decode',
      run: async () => {
        throw new PermanentAnalysisError('invalid_image', 'The object is not a decodable JPEG or PNG.');
      },
    });
    const seen: string[] = [];
    const state = await createAnalyseImage(deps(detector), { steps, onOutcome: [async (s) => void seen.push(s.outcome.status)] })(name, 10, { id: 'm-6', receiveCount: 1 });
    expect(state.outcome).toEqual({ status: 'failed', changed: true, failureReason: 'invalid_image: The object is not a decodable JPEG or PNG.' });
    expect(seen).toEqual(['failed']);
    expect(detector.calls).toHaveLength(0);
    expect((await db.store.get(`${name.imageHash}.jpg`, 'p-4', Date.now()))?.failure_reason).toBe('invalid_image: The object is not a decodable JPEG or PNG.');
  });
});
