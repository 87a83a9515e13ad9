// Over 300 lines: the record store port's contract on a real dynalite table, one suite per item kind and race; the suites share one table and the same builders.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ImageRecord } from '../../../src/core/image-record.js';
import { ANALYSIS_SORT_KEY, placementSortKey } from '../../../src/core/keys.js';
import { DELETION_MARKER_SECONDS } from '../../../src/infra/table.js';
import type { ScanPlan } from '../../../src/core/scan-plan.js';
import type { AnalysisResult } from '../../../src/ports/record-store.js';
import { startTestDynamo, type TestDynamo } from '../../helpers/dynalite-table.js';
import { label } from '../../helpers/port-fakes.js';
import { fileNameOf, hashOf, imageKeyOf, registration } from '../../helpers/record-builders.js';

const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);
const HOUR = 3600_000;
const TTL = 24 * 3600;

let db: TestDynamo;
beforeAll(async () => {
  db = await startTestDynamo('store');
});
afterAll(async () => {
  await db?.close();
});

const approved = (labels = [label('Beach', 97.12, ['Nature'])]): AnalysisResult => ({
  status: 'approved',
  labels,
  censoredConfidence: null,
  source: 'detected',
});

/** Registered, uploaded and analysed. */
const analysedImage = async (userId: string, seed: string, placement: { post_id: number; trip_id?: number | null; location_id?: number | null }) => {
  const imageHash = hashOf(seed);
  const reg = registration({ userId, imageHash, trip_id: null, location_id: null, ...placement });
  await db.store.register(reg, T0, TTL);
  await db.store.markUploaded({ userId, imageHash, extension: 'jpg' }, 100, T0 + 1000);
  await db.store.applyAnalysis(imageKeyOf(imageHash), userId, approved(), T0 + 2000);
  return { imageHash, imageKey: imageKeyOf(imageHash), fileName: fileNameOf(userId, imageHash) };
};

const userPlan = (userId: string): ScanPlan => ({ grouping: 'user_id', groupingId: userId, filters: [] });
const groupPlan = (grouping: 'post_id' | 'trip_id' | 'location_id', groupingId: number): ScanPlan => ({ grouping, groupingId, filters: [] });

describe('DynamoRecordStore.register', () => {
  it('creates a waiting record (created: true), then re-registration answers created: false', async () => {
    const imageHash = hashOf('register-1');
    const reg = registration({ userId: 'u1', imageHash, post_id: 10, picture_id: 20, trip_id: 3, location_id: 5, content: 'Día increíble' });
    expect(await db.store.register(reg, T0, TTL)).toEqual({ created: true });

    const record = await db.store.get(imageKeyOf(imageHash), 'u1', T0);
    expect(record).toMatchObject({
      image_key: imageKeyOf(imageHash),
      user_id: 'u1',
      file_name: fileNameOf('u1', imageHash),
      image_hash: imageHash,
      extension: 'jpg',
      content_type: 'image/jpeg',
      status: 'waiting',
      rekognition_results: [],
      post_id: 10,
      picture_id: 20,
      trip_id: 3,
      location_id: 5,
      content: 'Día increíble',
      expires_at: Math.floor(T0 / 1000) + TTL,
    });
    expect(record!.created_at).toBe(new Date(T0).toISOString());
    expect(await db.store.placements(imageKeyOf(imageHash), 'u1', T0)).toEqual([
      { post_id: 10, picture_id: 20, trip_id: 3, location_id: 5, content: 'Día increíble' },
    ]);
    // The placement waits (and expires) with the record.
    const placement = await db.rawItem(imageKeyOf(imageHash), placementSortKey('u1', 10));
    expect(placement?.expires_at).toBe(Math.floor(T0 / 1000) + TTL);

    expect(await db.store.register(reg, T0 + 1000, TTL)).toEqual({ created: false });
    const again = await db.store.get(imageKeyOf(imageHash), 'u1', T0 + 1000);
    expect(again!.status).toBe('waiting');
    expect(again!.created_at).toBe(new Date(T0).toISOString());
    expect(again!.expires_at).toBe(Math.floor((T0 + 1000) / 1000) + TTL);
  });

  it('a record whose waiting time ran out counts as new again', async () => {
    const imageHash = hashOf('register-expired');
    const reg = registration({ userId: 'u1', imageHash });
    await db.store.register(reg, T0, 60);
    expect(await db.store.register(reg, T0 + 61_000, 60)).toEqual({ created: true });
  });

  it('re-registering an analysed image in a second post keeps its analysis and adds the placement', async () => {
    const { imageHash, imageKey } = await analysedImage('u2', 'two-posts', { post_id: 100, trip_id: 7 });
    const second = registration({ userId: 'u2', imageHash, post_id: 200, picture_id: 2, trip_id: 8, location_id: 9, content: 'again' });
    expect(await db.store.register(second, T0 + 5000, TTL)).toEqual({ created: false });

    const record = await db.store.get(imageKey, 'u2', T0 + 5000);
    expect(record!.status).toBe('approved');
    expect(record!.rekognition_results).toEqual([{ name: 'Beach', confidence: 97.12, parents: ['Nature'] }]);
    expect(record!.analysis_source).toBe('detected');
    expect(record!.expires_at).toBeUndefined();
    expect(record!.post_id).toBe(200); // latest metadata

    const posts = await db.store.placements(imageKey, 'u2', T0 + 5000);
    expect(posts.map((p) => p.post_id).sort((a, b) => a - b)).toEqual([100, 200]);
    // The new placement of an uploaded image never expires.
    expect((await db.rawItem(imageKey, placementSortKey('u2', 200)))?.expires_at).toBeUndefined();

    // Visible in both posts, and in both trips.
    for (const plan of [groupPlan('post_id', 100), groupPlan('post_id', 200), groupPlan('trip_id', 7), groupPlan('trip_id', 8)]) {
      const found = await db.store.queryGroup('u2', plan);
      expect(found.map((c) => c.file_name), JSON.stringify(plan)).toEqual([fileNameOf('u2', imageHash)]);
      expect(found[0]!.status).toBe('approved');
    }
    expect((await db.store.queryGroup('u2', groupPlan('location_id', 9))).map((c) => c.file_name)).toEqual([fileNameOf('u2', imageHash)]);
  });
});

describe('DynamoRecordStore.queryGroup', () => {
  it('finds a group of the user only, never another user or another group', async () => {
    const a = await analysedImage('g1', 'group-a', { post_id: 1, trip_id: 11, location_id: 21 });
    const b = await analysedImage('g1', 'group-b', { post_id: 1, trip_id: 12, location_id: 21 });
    const c = await analysedImage('g1', 'group-c', { post_id: 2, trip_id: 11, location_id: null });
    // Another user, same ids: never visible to g1.
    await analysedImage('g2', 'group-a', { post_id: 1, trip_id: 11, location_id: 21 });

    const names = async (plan: ScanPlan, user = 'g1') => (await db.store.queryGroup(user, plan)).map((r) => r.file_name).sort();
    expect(await names(groupPlan('post_id', 1))).toEqual([a.fileName, b.fileName].sort());
    expect(await names(groupPlan('post_id', 2))).toEqual([c.fileName]);
    expect(await names(groupPlan('trip_id', 11))).toEqual([a.fileName, c.fileName].sort());
    expect(await names(groupPlan('trip_id', 12))).toEqual([b.fileName]);
    expect(await names(groupPlan('location_id', 21))).toEqual([a.fileName, b.fileName].sort());
    expect(await names(groupPlan('post_id', 3))).toEqual([]);
    expect(await names(userPlan('g1'))).toEqual([a.fileName, b.fileName, c.fileName].sort());
    expect(await names(userPlan('g2'), 'g2')).toEqual([fileNameOf('g2', hashOf('group-a'))]);
  });

  it('user grouping returns status and labels but never placements or the shared analysis item', async () => {
    const { imageKey, fileName } = await analysedImage('g3', 'user-grouping', { post_id: 1 });
    await db.store.claimAnalysis(imageKey, 'x', T0, 60);
    const found = await db.store.queryGroup('g3', userPlan('g3'));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ file_name: fileName, status: 'approved', rekognition_results: [label('Beach', 97.12, ['Nature'])] });
  });

  it('reads through Query and BatchGet only — never Scan — and only the group\'s items', async () => {
    // Bulk the table up with another user's images.
    for (let i = 0; i < 6; i++) await analysedImage('noise', `noise-${i}`, { post_id: 1, trip_id: 1, location_id: 1 });
    const mine = [
      await analysedImage('q1', 'scan-a', { post_id: 5, trip_id: 6, location_id: 7 }),
      await analysedImage('q1', 'scan-b', { post_id: 5, trip_id: 6, location_id: 7 }),
    ];
    const commands: { name: string; input: Record<string, unknown> }[] = [];
    const original = db.doc.send.bind(db.doc);
    const spy = vi.spyOn(db.doc, 'send').mockImplementation(((command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      commands.push({ name: command.constructor.name, input: command.input });
      return original(command as never);
    }) as never);
    try {
      for (const plan of [groupPlan('post_id', 5), groupPlan('trip_id', 6), groupPlan('location_id', 7), userPlan('q1')]) {
        commands.length = 0;
        const found = await db.store.queryGroup('q1', plan);
        expect(found.map((r) => r.file_name).sort()).toEqual(mine.map((m) => m.fileName).sort());
        expect(commands.length).toBeGreaterThan(0);
        for (const c of commands) expect(['QueryCommand', 'BatchGetCommand']).toContain(c.name);
        const queries = commands.filter((c) => c.name === 'QueryCommand');
        expect(queries.length).toBeGreaterThan(0);
        for (const q of queries) expect(q.input.IndexName, 'a GSI, not the base table').toEqual(expect.any(String));
        // Items read grow with the group, not with the table.
        const keysRead = commands
          .filter((c) => c.name === 'BatchGetCommand')
          .flatMap((c) => Object.values(c.input.RequestItems as Record<string, { Keys: unknown[] }>).flatMap((r) => r.Keys));
        expect(keysRead.length).toBe(plan.grouping === 'user_id' ? 0 : 2);
      }
    } finally {
      spy.mockRestore();
    }
  });

  it('leaves out records whose placement expired (registered, never uploaded)', async () => {
    const imageHash = hashOf('expired-placement');
    // Registered an hour ago with a 1 s TTL: both record and placement have expired.
    await db.store.register(registration({ userId: 'q2', imageHash, post_id: 77 }), Date.now() - HOUR, 1);
    expect(await db.store.queryGroup('q2', groupPlan('post_id', 77))).toEqual([]);
  });
});

describe('DynamoRecordStore.placements', () => {
  it('a user id that prefixes another never sees its placements', async () => {
    const imageHash = hashOf('prefix-users');
    await db.store.register(registration({ userId: '456', imageHash, post_id: 1 }), T0, TTL);
    await db.store.register(registration({ userId: '45', imageHash, post_id: 2 }), T0, TTL);
    expect((await db.store.placements(imageKeyOf(imageHash), '45', T0)).map((p) => p.post_id)).toEqual([2]);
    expect((await db.store.placements(imageKeyOf(imageHash), '456', T0)).map((p) => p.post_id)).toEqual([1]);
    await db.store.remove(imageKeyOf(imageHash), '45', Date.now());
    expect((await db.store.placements(imageKeyOf(imageHash), '456', T0)).map((p) => p.post_id)).toEqual([1]);
    expect(await db.store.get(imageKeyOf(imageHash), '456', T0)).toBeDefined();
  });

  it('re-registering in the same post moves the image to the new trip', async () => {
    const { imageHash } = await analysedImage('p1', 'move-trip', { post_id: 1, trip_id: 10 });
    await db.store.register(registration({ userId: 'p1', imageHash, post_id: 1, trip_id: 11 }), T0 + 5000, TTL);
    expect(await db.store.queryGroup('p1', groupPlan('trip_id', 10))).toEqual([]);
    expect((await db.store.queryGroup('p1', groupPlan('trip_id', 11))).map((r) => r.file_name)).toEqual([fileNameOf('p1', imageHash)]);
    expect(await db.store.placements(imageKeyOf(imageHash), 'p1', T0 + 5000)).toHaveLength(1);
  });
});

describe('DynamoRecordStore.get', () => {
  it('treats an expired waiting record as gone, even before TTL deletes it', async () => {
    const imageHash = hashOf('get-expired');
    const imageKey = imageKeyOf(imageHash);
    await db.store.register(registration({ userId: 'e1', imageHash, post_id: 3 }), T0, 60);
    expect(await db.store.get(imageKey, 'e1', T0 + 59_000)).toBeDefined();
    expect(await db.store.get(imageKey, 'e1', T0 + 60_000)).toBeUndefined();
    expect(await db.store.get(imageKey, 'e1', T0 + 2 * HOUR)).toBeUndefined();
    expect(await db.store.placements(imageKey, 'e1', T0 + 2 * HOUR)).toEqual([]);
    expect(await db.rawItem(imageKey, 'e1')).toBeDefined(); // still stored: TTL is lazy
  });

  it('is undefined for an unknown record', async () => {
    expect(await db.store.get(imageKeyOf(hashOf('nobody')), 'nobody', T0)).toBeUndefined();
  });
});

describe('DynamoRecordStore.markUploaded', () => {
  it('records an upload the receiver never saw: analysing, no expiry', async () => {
    const imageHash = hashOf('orphan-upload');
    const record = await db.store.markUploaded({ userId: 'm1', imageHash, extension: 'png' }, 2048, T0);
    expect(record).toMatchObject({
      image_key: imageKeyOf(imageHash, 'png'),
      user_id: 'm1',
      file_name: fileNameOf('m1', imageHash, 'png'),
      content_type: 'image/png',
      status: 'analysing',
      rekognition_results: [],
      object_size: 2048,
      uploaded_at: new Date(T0).toISOString(),
    });
    expect(record?.expires_at).toBeUndefined();
    expect(await db.store.get(imageKeyOf(imageHash, 'png'), 'm1', T0 + 365 * 24 * HOUR)).toMatchObject({ status: 'analysing' });
  });

  it('stops a waiting record and its placements from expiring', async () => {
    const imageHash = hashOf('upload-clears-expiry');
    const imageKey = imageKeyOf(imageHash);
    await db.store.register(registration({ userId: 'm2', imageHash, post_id: 1 }), T0, 60);
    await db.store.register(registration({ userId: 'm2', imageHash, post_id: 2 }), T0, 60);
    expect((await db.rawItem(imageKey, placementSortKey('m2', 1)))?.expires_at).toBeDefined();

    const record = (await db.store.markUploaded({ userId: 'm2', imageHash, extension: 'jpg' }, 10, T0 + 30_000))!;
    expect(record.status).toBe('analysing');
    expect(record.expires_at).toBeUndefined();
    expect(record.post_id).toBe(2);
    expect((await db.rawItem(imageKey, placementSortKey('m2', 1)))?.expires_at).toBeUndefined();
    expect((await db.rawItem(imageKey, placementSortKey('m2', 2)))?.expires_at).toBeUndefined();
    // Long after the waiting TTL, the record and both posts are still there.
    const later = T0 + 48 * HOUR;
    expect(await db.store.get(imageKey, 'm2', later)).toBeDefined();
    expect((await db.store.placements(imageKey, 'm2', later)).map((p) => p.post_id).sort()).toEqual([1, 2]);
  });

  it('returns an analysed record unchanged (duplicate S3 notification)', async () => {
    const { imageHash, imageKey } = await analysedImage('m3', 'duplicate-notification', { post_id: 1 });
    const before = await db.store.get(imageKey, 'm3', T0 + 3000);
    const returned = await db.store.markUploaded({ userId: 'm3', imageHash, extension: 'jpg' }, 999, T0 + 10_000);
    expect(returned).toEqual(before);
    expect(await db.store.get(imageKey, 'm3', T0 + 10_000)).toEqual(before);
  });

  it('restarts a failed record (re-upload after failure)', async () => {
    const imageHash = hashOf('failed-then-reupload');
    const imageKey = imageKeyOf(imageHash);
    await db.store.markUploaded({ userId: 'm4', imageHash, extension: 'jpg' }, 1, T0);
    await db.store.markFailed(imageKey, 'm4', 'boom', T0 + 1);
    const again = (await db.store.markUploaded({ userId: 'm4', imageHash, extension: 'jpg' }, 1, T0 + 2))!;
    expect(again.status).toBe('analysing');
    expect(again.failure_reason).toBeUndefined();
  });
});

describe('DynamoRecordStore analysis claims', () => {
  it('exactly one of ten concurrent claims wins', async () => {
    const imageKey = imageKeyOf(hashOf('concurrent-claims'));
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => db.store.claimAnalysis(imageKey, `c${i}`, T0, 60)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = `c${results.indexOf(true)}`;
    expect(await db.store.getAnalysis(imageKey)).toMatchObject({ state: 'running', claimed_by: winner, labels: [] });
  });

  it('holds while the lease runs, and can be re-claimed once it lapsed', async () => {
    const imageKey = imageKeyOf(hashOf('lease'));
    expect(await db.store.claimAnalysis(imageKey, 'first', T0, 60)).toBe(true);
    expect(await db.store.claimAnalysis(imageKey, 'second', T0 + 30_000, 60)).toBe(false);
    expect(await db.store.claimAnalysis(imageKey, 'second', T0 + 60_000, 60)).toBe(false);
    expect(await db.store.claimAnalysis(imageKey, 'second', T0 + 61_000, 60)).toBe(true);
    expect((await db.store.getAnalysis(imageKey))?.claimed_by).toBe('second');
  });

  it('abandoning lets a new claim win; only the claimant can abandon', async () => {
    const imageKey = imageKeyOf(hashOf('abandon'));
    expect(await db.store.claimAnalysis(imageKey, 'a', T0, 600)).toBe(true);
    await db.store.abandonAnalysis(imageKey, 'intruder', 'nope', T0 + 1);
    expect((await db.store.getAnalysis(imageKey))?.state).toBe('running');
    expect(await db.store.claimAnalysis(imageKey, 'b', T0 + 2, 600)).toBe(false);

    await db.store.abandonAnalysis(imageKey, 'a', 'ThrottlingException', T0 + 3);
    expect(await db.store.getAnalysis(imageKey)).toMatchObject({ state: 'failed', failure_reason: 'ThrottlingException' });
    expect(await db.store.claimAnalysis(imageKey, 'b', T0 + 4, 600)).toBe(true);
    expect((await db.store.getAnalysis(imageKey))?.claimed_by).toBe('b');
  });

  it('a completed analysis is never claimed again', async () => {
    const imageKey = imageKeyOf(hashOf('completed'));
    expect(await db.store.claimAnalysis(imageKey, 'a', T0, 60)).toBe(true);
    await db.store.completeAnalysis(imageKey, 'a', [label('Beach', 90)], T0 + 1);
    expect(await db.store.getAnalysis(imageKey)).toMatchObject({ state: 'done', labels: [label('Beach', 90)] });
    expect(await db.store.claimAnalysis(imageKey, 'b', T0 + 3600_000, 60)).toBe(false);
  });
});

describe('DynamoRecordStore.applyAnalysis / markFailed', () => {
  it('stores the verdict on the record', async () => {
    const imageHash = hashOf('apply');
    const imageKey = imageKeyOf(imageHash);
    await db.store.markUploaded({ userId: 'a1', imageHash, extension: 'jpg' }, 1, T0);
    await db.store.applyAnalysis(
      imageKey,
      'a1',
      { status: 'under_review', labels: [label('Beach', 80)], censoredConfidence: 60, source: 'reused' },
      T0 + 5,
    );
    expect(await db.store.get(imageKey, 'a1', T0 + 5)).toMatchObject({
      status: 'under_review',
      rekognition_results: [label('Beach', 80)],
      censored_confidence: 60,
      analysis_source: 'reused',
      analysed_at: new Date(T0 + 5).toISOString(),
    });
  });

  it('does not resurrect a record removed meanwhile', async () => {
    const imageHash = hashOf('no-resurrection');
    const imageKey = imageKeyOf(imageHash);
    await db.store.register(registration({ userId: 'a2', imageHash }), T0, TTL);
    await db.store.markUploaded({ userId: 'a2', imageHash, extension: 'jpg' }, 1, T0 + 1);
    await db.store.remove(imageKey, 'a2', T0 + 2);
    await db.store.applyAnalysis(imageKey, 'a2', approved(), T0 + 3);
    expect(await db.rawItem(imageKey, 'a2')).toMatchObject({ status: 'deleted' });
    await db.store.markFailed(imageKey, 'a2', 'late failure', T0 + 4);
    expect(await db.rawItem(imageKey, 'a2')).toMatchObject({ status: 'deleted' });
    expect(await db.store.get(imageKey, 'a2', T0 + 5)).toBeUndefined();
  });

  it('markFailed marks an analysing record failed with its reason, but never an analysed one', async () => {
    const imageHash = hashOf('mark-failed');
    const imageKey = imageKeyOf(imageHash);
    await db.store.markUploaded({ userId: 'f1', imageHash, extension: 'jpg' }, 1, T0);
    await db.store.markFailed(imageKey, 'f1', 'InvalidImageFormatException: bad', T0 + 1);
    expect(await db.store.get(imageKey, 'f1', T0 + 1)).toMatchObject({ status: 'failed', failure_reason: 'InvalidImageFormatException: bad' });

    const done = await analysedImage('f2', 'mark-failed-analysed', { post_id: 1 });
    await db.store.markFailed(done.imageKey, 'f2', 'late', T0 + 10_000);
    expect(await db.store.get(done.imageKey, 'f2', T0 + 10_000)).toMatchObject({ status: 'approved' });
    expect((await db.store.get(done.imageKey, 'f2', T0 + 10_000))!.failure_reason).toBeUndefined();
  });
});

describe('DynamoRecordStore.remove', () => {
  it('deletes the record and all its placements, is idempotent, and keeps the shared analysis', async () => {
    const { imageHash, imageKey } = await analysedImage('r1', 'remove', { post_id: 1, trip_id: 4 });
    await db.store.register(registration({ userId: 'r1', imageHash, post_id: 2 }), T0 + 3000, TTL);
    await db.store.claimAnalysis(imageKey, 'r1:m', T0, 60);
    await db.store.completeAnalysis(imageKey, 'r1:m', [label('Beach', 97.12, ['Nature'])], T0 + 1);
    // Another user's copy of the same image is not touched.
    await analysedImage('r2', 'remove', { post_id: 1 });

    await db.store.remove(imageKey, 'r1', T0 + 4000);
    // What remains is a deletion marker, gone with TTL after any queued notification could arrive.
    expect(await db.rawItem(imageKey, 'r1')).toEqual({
      image_key: imageKey,
      user_id: 'r1',
      status: 'deleted',
      deleted_at: new Date(T0 + 4000).toISOString(),
      expires_at: Math.floor((T0 + 4000) / 1000) + DELETION_MARKER_SECONDS,
    });
    expect(await db.store.get(imageKey, 'r1', T0 + 4000)).toBeUndefined();
    // A notification still in flight for the deleted upload does not bring it back.
    expect(await db.store.markUploaded({ userId: 'r1', imageHash, extension: 'jpg' }, 5, T0 + 5000)).toBeUndefined();
    await db.store.applyAnalysis(imageKey, 'r1', { status: 'approved', labels: [], censoredConfidence: null, source: 'reused' }, T0 + 5000);
    expect((await db.rawItem(imageKey, 'r1'))?.status).toBe('deleted');
    expect(await db.rawItem(imageKey, placementSortKey('r1', 1))).toBeUndefined();
    expect(await db.rawItem(imageKey, placementSortKey('r1', 2))).toBeUndefined();
    expect(await db.store.placements(imageKey, 'r1', T0)).toEqual([]);
    expect(await db.store.queryGroup('r1', groupPlan('post_id', 1))).toEqual([]);
    expect(await db.store.queryGroup('r1', groupPlan('trip_id', 4))).toEqual([]);
    expect(await db.store.queryGroup('r1', userPlan('r1'))).toEqual([]);
    await expect(db.store.remove(imageKey, 'r1', T0 + 6000)).resolves.toBeUndefined();

    expect(await db.store.get(imageKey, 'r2', T0 + 3000)).toMatchObject({ status: 'approved' });
    expect(await db.store.getAnalysis(imageKey)).toMatchObject({ state: 'done', labels: [label('Beach', 97.12, ['Nature'])] });
    expect(await db.rawItem(imageKey, ANALYSIS_SORT_KEY)).toBeDefined();

    // Delete + re-register + re-upload: a fresh record, and the analysis is still there to reuse.
    expect(await db.store.register(registration({ userId: 'r1', imageHash, post_id: 9 }), T0 + 10_000, TTL)).toEqual({ created: true });
    const record: ImageRecord = (await db.store.markUploaded({ userId: 'r1', imageHash, extension: 'jpg' }, 5, T0 + 11_000))!;
    expect(record.status).toBe('analysing');
    expect(record.rekognition_results).toEqual([]);
    expect((await db.store.getAnalysis(imageKey))?.state).toBe('done');
    expect(await db.store.claimAnalysis(imageKey, 'r1:n', T0 + 12_000, 60)).toBe(false);
  });
});

describe('a verdict or failure says whether the record changed (for completion events)', () => {
  it('applyAnalysis: changed on the first verdict; a later one (a redelivery) neither overwrites it nor counts; a deleted record stays deleted', async () => {
    const imageHash = hashOf('store-changed');
    const key = imageKeyOf(imageHash);
    await db.store.register(registration({ userId: 'ch-1', imageHash }), T0, TTL);
    await db.store.markUploaded({ userId: 'ch-1', imageHash, extension: 'jpg' }, 10, T0 + 1);
    expect(await db.store.applyAnalysis(key, 'ch-1', approved(), T0 + 2)).toEqual({ changed: true });
    expect(await db.store.applyAnalysis(key, 'ch-1', approved(), T0 + 3)).toEqual({ changed: false });
    expect(await db.store.applyAnalysis(key, 'ch-1', { ...approved(), status: 'rejected', source: 'reused' }, T0 + 4)).toEqual({ changed: false });
    expect(await db.store.get(key, 'ch-1', T0 + 4)).toMatchObject({ status: 'approved', analysis_source: 'detected' });
    await db.store.remove(key, 'ch-1', T0 + 5);
    expect(await db.store.applyAnalysis(key, 'ch-1', approved(), T0 + 6)).toEqual({ changed: false });
  });

  it('markFailed: changed once for an analysing record, never for an analysed one', async () => {
    const imageHash = hashOf('store-failed-changed');
    const key = imageKeyOf(imageHash);
    await db.store.markUploaded({ userId: 'ch-2', imageHash, extension: 'jpg' }, 10, T0);
    expect(await db.store.markFailed(key, 'ch-2', 'Boom: x', T0 + 1)).toEqual({ changed: true });
    expect(await db.store.markFailed(key, 'ch-2', 'Boom: x', T0 + 2)).toEqual({ changed: false });
    expect((await db.store.get(key, 'ch-2', T0 + 3))?.status).toBe('failed');
  });
});
