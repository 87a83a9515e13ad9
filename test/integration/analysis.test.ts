import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256, solidPng } from '../helpers/images.js';
import { Api, bootStack, type Booted } from '../helpers/stack-harness.js';

const sharedPhoto = solidPng([5, 5, 250]);
const catPhoto = solidPng([200, 100, 0]);
const maybeCatPhoto = solidPng([200, 100, 1]);

describe('analysis: once per distinct image, moderation', () => {
  let booted: Booted;

  beforeAll(async () => {
    booted = await bootStack({
      fixture: {
        [sha256(sharedPhoto)]: [{ name: 'Mountain', confidence: 91, parents: ['Outdoors'] }],
        [sha256(catPhoto)]: [
          { name: 'Cat', confidence: 96, parents: ['Animal', 'Pet', 'Mammal'] },
          { name: 'Animal', confidence: 96, parents: [] },
        ],
        [sha256(maybeCatPhoto)]: [
          { name: 'Cat', confidence: 60, parents: ['Animal'] },
          { name: 'Sofa', confidence: 88, parents: ['Furniture'] },
        ],
      },
    });
  });
  afterAll(() => booted?.stack.stop());

  it('concurrent uploads of one new image by five users run exactly one detection', async () => {
    const users = await Promise.all(['u1', 'u2', 'u3', 'u4', 'u5'].map((u) => Api.as(booted.stack.url, u)));
    const uploads = await Promise.all(users.map((api, i) => api.upload(sharedPhoto, { user_id: `u${i + 1}` })));
    const views = await Promise.all(users.map((api, i) => api.waitFor(uploads[i]!.file_name, ['approved'])));
    expect(views.filter((v) => v.analysis_source === 'detected')).toHaveLength(1);
    expect(views.filter((v) => v.analysis_source === 'reused')).toHaveLength(4);
    for (const v of views) expect(v.rekognition_results).toEqual([{ name: 'Mountain', confidence: 91, parents: ['Outdoors'] }]);
  });

  it('rejects the censored label at or above the rejected threshold', async () => {
    const api = await Api.as(booted.stack.url, 'cat-owner');
    const up = await api.upload(catPhoto, { user_id: 'cat-owner' });
    const view = await api.waitFor(up.file_name, ['approved', 'under_review', 'rejected']);
    expect(view.status).toBe('rejected');
    expect(view.rekognition_results.map((l) => l.name)).toContain('Cat');
  });

  it('sees the censored label below MIN_CONFIDENCE and puts the image under review', async () => {
    const api = await Api.as(booted.stack.url, 'cat-owner');
    const up = await api.upload(maybeCatPhoto, { user_id: 'cat-owner' });
    const view = await api.waitFor(up.file_name, ['approved', 'under_review', 'rejected']);
    expect(view.status).toBe('under_review');
    expect(view.rekognition_results).toEqual([{ name: 'Sofa', confidence: 88, parents: ['Furniture'] }]);
  });
});
