import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/openapi/document.js';
import { WebhookSender } from '../../src/adapters/webhook-sender.js';
import { analysedEvent, deletedEvent } from '../../src/core/image-events.js';
import { newWebhookSecret } from '../helpers/webhook-receiver.js';
import { createValidator } from '../helpers/openapi-validator.js';

const ID = 'https://travellog.example/openapi.json';
const file = `456-${'e'.repeat(64)}.png`;

describe('OpenAPI webhooks', () => {
  const { ajv } = createValidator();
  const body = (name: 'image.analysed' | 'image.deleted') => ajv.getSchema(`${ID}#/webhooks/${name}/post/requestBody/content/application~1json/schema`)!;
  const header = (name: 'image.analysed' | 'image.deleted', i: number) => ajv.getSchema(`${ID}#/webhooks/${name}/post/parameters/${i}/schema`)!;

  it('describes both events, and what the server sends validates against it', () => {
    expect(Object.keys(openApiDocument.webhooks)).toEqual(['image.analysed', 'image.deleted']);
    const posts = [{ post_id: 1, picture_id: 2, trip_id: 3, location_id: null, content: 'c' }];
    const events = [
      analysedEvent({ file_name: file, user_id: '456', status: 'approved', rekognition_results: [{ name: 'Beach', confidence: 90, parents: [] }], updated_at: '2026-11-29T22:00:00.000Z' }, posts)!,
      analysedEvent({ file_name: file, user_id: '456', status: 'rejected', rekognition_results: [], moderation: { label: 'Cat', confidence: 95, threshold: 90 }, updated_at: '2026-11-29T22:00:00.000Z' }, posts)!,
      analysedEvent({ file_name: file, user_id: '456', status: 'failed', failure_reason: 'invalid_image: not an image', rekognition_results: [], updated_at: '2026-11-29T22:00:00.000Z' }, [])!,
      deletedEvent({ file_name: file, user_id: '456', created_at: 'x' }, posts, '2026-11-29T22:00:00.000Z'),
    ];
    for (const e of events) {
      const validate = body(e.event.type);
      expect(validate(e.event), ajv.errorsText(validate.errors)).toBe(true);
      const headers = new WebhookSender({ url: 'http://127.0.0.1:1/', secret: newWebhookSecret() }).headers({ id: e.id, body: '{}' });
      ['webhook-id', 'webhook-timestamp', 'webhook-signature'].forEach((name, i) => expect(header(e.event.type, i)(headers[name])).toBe(true));
    }
  });

  it('the schema refuses what the spec rules out', () => {
    const validate = body('image.analysed');
    expect(validate({ type: 'image.analysed', timestamp: '2026-11-29T22:00:00.000Z', data: { file_name: file, user_id: '456', status: 'waiting', posts: [] } })).toBe(false);
    expect(validate({ type: 'image.analysed', timestamp: '2026-11-29T22:00:00.000Z', data: { file_name: file, user_id: '456', posts: [], extra: 1 } })).toBe(false);
  });
});
