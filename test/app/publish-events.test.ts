import { describe, expect, it } from 'vitest';
import { deleteAndPublish, publishAnalysed } from '../../src/app/publish-events.js';
import type { AnalysisOutcome, AnalysisState } from '../../src/app/analysis-pipeline.js';
import { formatFileName, formatImageKey, type ImageName } from '../../src/core/file-name.js';
import type { OutgoingEvent } from '../../src/core/image-events.js';
import type { ImageRecord, Placement } from '../../src/core/image-record.js';
import type { EventPublisher } from '../../src/ports/event-publisher.js';

const name: ImageName = { userId: '456', imageHash: 'a'.repeat(64), extension: 'jpg' } as ImageName;
const imageKey = formatImageKey(name);
const fileName = formatFileName(name);
const record = (over: Partial<ImageRecord> = {}): ImageRecord =>
  ({
    image_key: imageKey,
    user_id: '456',
    file_name: fileName,
    image_hash: name.imageHash,
    extension: 'jpg',
    content_type: 'image/jpeg',
    status: 'approved',
    rekognition_results: [{ name: 'Beach', confidence: 90, parents: [] }],
    created_at: '2026-11-29T21:00:00.000Z',
    updated_at: '2026-11-29T22:00:00.000Z',
    analysed_at: '2026-11-29T22:00:00.000Z',
    ...over,
  }) as ImageRecord;
const posts: Placement[] = [{ post_id: 1, picture_id: 2, trip_id: null, location_id: 4, content: 'x' }];

const fakes = (stored: ImageRecord | undefined, placed: Placement[] = posts, fail = false) => {
  const published: OutgoingEvent[] = [];
  const counts: Record<string, number> = {};
  const errors: string[] = [];
  const events: EventPublisher = {
    publish: async (e) => {
      if (fail) throw new Error('EventBridge is down');
      published.push(...e);
    },
  };
  const records = { get: async () => stored, placements: async () => placed, remove: async () => undefined };
  const telemetry = { error: (m: string) => void errors.push(m), count: (m: string, n: number) => void (counts[m] = (counts[m] ?? 0) + n) };
  return { published, counts, errors, deps: { records, events, telemetry } };
};
const state = (outcome: AnalysisOutcome) => ({ job: { name, imageKey, fileName, objectSize: 1, message: { id: 'm', receiveCount: 1 } }, outcome }) as AnalysisState & { outcome: AnalysisOutcome };

describe('publishAnalysed (the analysis outcome listener)', () => {
  it('a record that changed: one image.analysed built from the record as stored, with its posts', async () => {
    const f = fakes(record({ status: 'rejected', moderation: { label: 'Cat', confidence: 95, threshold: 90 } } as Partial<ImageRecord>));
    await publishAnalysed(f.deps)(state({ status: 'rejected', changed: true }));
    expect(f.published.map((e) => e.event)).toEqual([
      {
        type: 'image.analysed',
        timestamp: '2026-11-29T22:00:00.000Z',
        data: { file_name: fileName, user_id: '456', status: 'rejected', labels: [{ name: 'Beach', confidence: 90, parents: [] }], moderation: { label: 'Cat', confidence: 95, threshold: 90 }, posts: [{ post_id: 1, picture_id: 2, trip_id: null, location_id: 4 }] },
      },
    ]);
    expect(f.counts).toEqual({ EventsPublished: 1 });
  });

  it('nothing changed (duplicate delivery, retry) or the record is gone: no event', async () => {
    const f = fakes(record());
    await publishAnalysed(f.deps)(state({ status: 'approved', changed: false }));
    const gone = fakes(undefined);
    await publishAnalysed(gone.deps)(state({ status: 'approved', changed: true }));
    expect([...f.published, ...gone.published]).toEqual([]);
  });

  it('failed: failure_reason, no labels', async () => {
    const f = fakes(record({ status: 'failed', failure_reason: 'invalid_image: not an image', rekognition_results: [] }));
    await publishAnalysed(f.deps)(state({ status: 'failed', changed: true, failureReason: 'invalid_image: not an image' }));
    expect(f.published[0]!.event.data).toMatchObject({ status: 'failed', failure_reason: 'invalid_image: not an image' });
    expect(f.published[0]!.event.data).not.toHaveProperty('labels');
  });

  it('a publisher that fails does not fail the analysis: logged and counted', async () => {
    const f = fakes(record(), posts, true);
    await expect(publishAnalysed(f.deps)(state({ status: 'approved', changed: true }))).resolves.toBeUndefined();
    expect(f.counts).toEqual({ EventsNotPublished: 1 });
    expect(f.errors).toEqual(['completion events not published']);
  });
});

describe('deleteAndPublish (DELETE /images)', () => {
  it('removes, then image.deleted with the posts it was in', async () => {
    const f = fakes(record());
    let removed = false;
    await deleteAndPublish({ ...f.deps, now: () => Date.parse('2026-11-29T23:00:00.000Z') }, imageKey, '456', fileName, async () => void (removed = true));
    expect(removed).toBe(true);
    expect(f.published.map((e) => e.event)).toEqual([{ type: 'image.deleted', timestamp: '2026-11-29T23:00:00.000Z', data: { file_name: fileName, user_id: '456', posts: [{ post_id: 1, picture_id: 2, trip_id: null, location_id: 4 }] } }]);
  });

  it('nothing there (a repeated DELETE): no event', async () => {
    const f = fakes(undefined, []);
    await deleteAndPublish(f.deps, imageKey, '456', fileName, async () => undefined);
    expect(f.published).toEqual([]);
  });

  it('a failed removal throws before any event', async () => {
    const f = fakes(record());
    await expect(deleteAndPublish(f.deps, imageKey, '456', fileName, async () => Promise.reject(new Error('S3 down')))).rejects.toThrow('S3 down');
    expect(f.published).toEqual([]);
  });
});
