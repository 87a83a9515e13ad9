import { describe, expect, it } from 'vitest';
import { analysedEvent, changeId, deletedEvent, ImageEventSchema, type EventRecord } from '../../src/core/image-events.js';
import type { Placement } from '../../src/core/image-record.js';

const record = (over: Partial<EventRecord> = {}): EventRecord => ({
  file_name: '456-' + 'a'.repeat(64) + '.jpg',
  user_id: '456',
  status: 'approved',
  rekognition_results: [{ name: 'Beach', confidence: 97.1, parents: ['Nature'] }],
  updated_at: '2026-11-29T22:00:00.000Z',
  analysed_at: '2026-11-29T22:00:00.000Z',
  created_at: '2026-11-29T21:59:00.000Z',
  ...over,
});
const posts: Placement[] = [
  { post_id: 1, picture_id: 7, trip_id: 3, location_id: null, content: 'not in the event' },
  { post_id: 2, picture_id: 8, trip_id: null, location_id: 5, content: 'x' },
];

describe('image.analysed', () => {
  it('carries the verdict, labels and posts (without post text), and parses as the wire schema', () => {
    const out = analysedEvent(record(), posts)!;
    expect(out.event).toEqual({
      type: 'image.analysed',
      timestamp: '2026-11-29T22:00:00.000Z',
      data: {
        file_name: record().file_name,
        user_id: '456',
        status: 'approved',
        labels: [{ name: 'Beach', confidence: 97.1, parents: ['Nature'] }],
        posts: [
          { post_id: 1, picture_id: 7, trip_id: 3, location_id: null },
          { post_id: 2, picture_id: 8, trip_id: null, location_id: 5 },
        ],
      },
    });
    expect(ImageEventSchema.parse(out.event)).toEqual(out.event);
    expect(out.id).toMatch(/^msg_[0-9a-f]{32}$/);
  });

  it('includes moderation for under_review and rejected when the record has it', () => {
    const moderation = { label: 'Cat', confidence: 93, threshold: 90 };
    const out = analysedEvent(record({ status: 'rejected', moderation }), [])!;
    expect(out.event.data).toMatchObject({ status: 'rejected', moderation });
    expect(analysedEvent(record({ status: 'under_review', moderation: null }), [])!.event.data).not.toHaveProperty('moderation');
  });

  it('failed: failure_reason and no labels', () => {
    const out = analysedEvent(record({ status: 'failed', failure_reason: 'invalid_image: not a JPEG', rekognition_results: [] }), posts)!;
    expect(out.event.data.failure_reason).toBe('invalid_image: not a JPEG');
    expect(out.event.data).not.toHaveProperty('labels');
    expect(Object.keys(out.event.data)).not.toContain('moderation');
  });

  it('no event for a status that is not terminal', () => {
    expect(analysedEvent(record({ status: 'waiting' }), posts)).toBeUndefined();
    expect(analysedEvent(record({ status: 'analysing' }), posts)).toBeUndefined();
  });

  it('one change, one id: stable when re-emitted, distinct per user, status and time', () => {
    const id = analysedEvent(record(), posts)!.id;
    expect(analysedEvent(record(), [])!.id).toBe(id);
    expect(analysedEvent(record({ file_name: '457-' + 'a'.repeat(64) + '.jpg', user_id: '457' }), posts)!.id).not.toBe(id);
    expect(analysedEvent(record({ status: 'rejected' }), posts)!.id).not.toBe(id);
    expect(analysedEvent(record({ analysed_at: '2026-11-29T22:00:00.001Z' }), posts)!.id).not.toBe(id);
  });
});

describe('image.deleted', () => {
  it('names the file, the owner and the posts it left; no status or labels', () => {
    const out = deletedEvent(record(), posts, '2026-11-29T23:00:00.000Z');
    expect(out.event).toEqual({
      type: 'image.deleted',
      timestamp: '2026-11-29T23:00:00.000Z',
      data: {
        file_name: record().file_name,
        user_id: '456',
        posts: [
          { post_id: 1, picture_id: 7, trip_id: 3, location_id: null },
          { post_id: 2, picture_id: 8, trip_id: null, location_id: 5 },
        ],
      },
    });
    expect(ImageEventSchema.parse(out.event)).toEqual(out.event);
  });

  it('the id names the deleted record: two deletes of it are one event, a later record another', () => {
    const a = deletedEvent(record(), posts, '2026-11-29T23:00:00.000Z').id;
    expect(deletedEvent(record(), [], '2026-11-29T23:00:05.000Z').id).toBe(a);
    expect(deletedEvent(record({ created_at: '2026-11-30T00:00:00.000Z' }), posts, '2026-11-30T01:00:00.000Z').id).not.toBe(a);
    expect(a).not.toBe(analysedEvent(record(), posts)!.id);
  });

  it('changeId hashes the parts, not their concatenation', () => {
    expect(changeId(['ab', 'c'])).not.toBe(changeId(['a', 'bc']));
  });
});
