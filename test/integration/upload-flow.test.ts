import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256, solidPng } from '../helpers/images.js';
import { Api, bootStack, type Booted } from '../helpers/stack-harness.js';

const beach = solidPng([250, 220, 150]);
const cityscape = solidPng([90, 90, 110]);

describe('upload → analysis → obtain → scan, over HTTP against the local stack', () => {
  let booted: Booted;
  let alice: Api;

  beforeAll(async () => {
    booted = await bootStack({
      fixture: {
        [sha256(beach)]: [
          { name: 'Beach', confidence: 97.5, parents: ['Nature'] },
          { name: 'Ocean', confidence: 85, parents: ['Water'] },
          { name: 'Sand', confidence: 60, parents: [] },
        ],
        [sha256(cityscape)]: [{ name: 'City', confidence: 92, parents: ['Urban'] }],
      },
    });
    alice = await Api.as(booted.stack.url, '456');
  });
  afterAll(() => booted?.stack.stop());

  it('answers /health without a token', async () => {
    const res = await new Api(booted.stack.url, undefined).call('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('registers, uploads through the presigned URL, analyses and serves the image', async () => {
    const reg = await alice.register(beach, { user_id: 456, post_id: 1, picture_id: 7 });
    expect(reg.status).toBe(201);
    expect(reg.body.file_name).toBe(`456-${sha256(beach)}.png`);
    expect(reg.body.expires_in).toBe(60);
    expect(Object.keys(reg.body.upload_headers).sort()).toEqual(['Content-Type', 'x-amz-checksum-sha256']);
    expect(reg.body.upload_url).toContain(booted.stack.s3Endpoint);

    const waiting = await alice.image(reg.body.file_name);
    expect(waiting.body.status).toBe('waiting');
    expect((await alice.scan()).body.images).not.toContain(reg.body.file_name);

    const put = await fetch(reg.body.upload_url, { method: 'PUT', headers: reg.body.upload_headers, body: new Uint8Array(beach) });
    expect(put.status).toBe(200);

    const done = await alice.waitFor(reg.body.file_name, ['approved']);
    expect(done.analysis_source).toBe('detected');
    expect(done.rekognition_results).toEqual([
      { name: 'Beach', confidence: 97.5, parents: ['Nature'] },
      { name: 'Ocean', confidence: 85, parents: ['Water'] },
    ]); // Sand (60) is below MIN_CONFIDENCE 75
    expect(done.expires_at).toBeNull();

    const obtain = await alice.call('GET', `/obtain/${reg.body.file_name}`);
    expect(obtain.status).toBe(302);
    expect(obtain.headers.get('cache-control')).toBe('no-store');
    const download = await fetch(obtain.headers.get('location')!);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(beach)).toBe(true);

    const asJson = await alice.call<{ url: string; expires_in: number }>('GET', `/obtain/${reg.body.file_name}`, {
      headers: { Accept: 'application/json' },
    });
    expect(asJson.status).toBe(200);
    expect(asJson.body.expires_in).toBe(30);
    expect(new URL(asJson.body.url).searchParams.get('X-Amz-Expires')).toBe('30');
  });

  it('finds images by grouping and label filters', async () => {
    const city = await alice.upload(cityscape, { user_id: 456, post_id: 2, picture_id: 8, post: { trip_id: 10, location_id: 21, content: '' } });
    await alice.waitFor(city.file_name, ['approved']);
    const beachName = `456-${sha256(beach)}.png`;

    const all = await alice.scan();
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ grouping: 'user_id', grouping_id: '456', filters: [], total_count: 2 });
    expect(all.body.images.sort()).toEqual([beachName, city.file_name].sort());

    expect((await alice.scan('post_id=1')).body).toMatchObject({ grouping: 'post_id', grouping_id: 1, images: [beachName] });
    expect((await alice.scan('trip_id=10')).body.images.sort()).toEqual([beachName, city.file_name].sort());
    expect((await alice.scan('location_id=21')).body.images).toEqual([city.file_name]);

    const filtered = await alice.scan(`label=${encodeURIComponent('beach>80')}&label=${encodeURIComponent('ocean<90')}`);
    expect(filtered.body.filters).toEqual([
      { name: 'beach', operator: '>', confidence_threshold: 80 },
      { name: 'ocean', operator: '<', confidence_threshold: 90 },
    ]);
    expect(filtered.body.images).toEqual([beachName]);
    expect((await alice.scan(`label=${encodeURIComponent('ocean<80')}`)).body.images).toEqual([city.file_name]);
    expect((await alice.scan(`label=${encodeURIComponent('BEACH>97.4')}&post_id=1`)).body.images).toEqual([beachName]);
    expect((await alice.scan(`label=${encodeURIComponent('beach>97.5')}`)).body.total_count).toBe(0);
  });

  it('keeps the analysis when the same user puts the same image in a second post (problem 3)', async () => {
    const again = await alice.register(beach, { user_id: 456, post_id: 3, picture_id: 9, post: { trip_id: 11, location_id: 20, content: 'again' } });
    expect(again.status).toBe(200);
    const view = await alice.image(again.body.file_name);
    expect(view.body.status).toBe('approved');
    expect(view.body.rekognition_results.length).toBe(2);
    expect(view.body.posts.map((p) => p.post_id).sort()).toEqual([1, 3]);
    expect((await alice.scan('post_id=1')).body.images).toContain(again.body.file_name);
    expect((await alice.scan('post_id=3')).body.images).toEqual([again.body.file_name]);
    expect((await alice.scan('trip_id=11')).body.images).toEqual([again.body.file_name]);
  });

  it('reuses the analysis for another user, and after delete + re-upload (problem 2), without detecting again', async () => {
    const bob = await Api.as(booted.stack.url, 'bob-7');
    const bobs = await bob.upload(beach, { user_id: 'bob-7', post_id: 50 });
    const view = await bob.waitFor(bobs.file_name, ['approved']);
    expect(view.analysis_source).toBe('reused');
    expect(view.rekognition_results.map((l) => l.name)).toEqual(['Beach', 'Ocean']);

    const del = await bob.call('DELETE', `/images/${bobs.file_name}`);
    expect(del.status).toBe(204);
    expect((await bob.call('DELETE', `/images/${bobs.file_name}`)).status).toBe(204);
    expect((await bob.image(bobs.file_name)).status).toBe(404);
    expect((await bob.call('GET', `/obtain/${bobs.file_name}`)).status).toBe(404);
    expect((await bob.scan()).body.total_count).toBe(0);

    const back = await bob.upload(beach, { user_id: 'bob-7', post_id: 51 });
    const reused = await bob.waitFor(back.file_name, ['approved']);
    expect(reused.analysis_source).toBe('reused');
    expect((await bob.scan('post_id=51')).body.images).toEqual([back.file_name]);
    expect((await bob.scan('post_id=50')).body.images).toEqual([]);
    // Alice's copy is untouched by Bob's delete.
    expect((await alice.image(`456-${sha256(beach)}.png`)).body.status).toBe('approved');
  });
});
