import { describe, expect, expectTypeOf, it } from 'vitest';
import * as z from 'zod/mini';
import type * as Client from '../../client/src/types.js';
import type * as ClientEvents from '../../client/src/webhooks.js';
import type { ImageEvent as ServerImageEvent } from '../../src/core/image-events.js';
import type { ErrorCode as ServerErrorCode } from '../../src/core/errors.js';
import type { ImageStatus as ServerImageStatus } from '../../src/core/image-record.js';
import { openApiDocument } from '../../src/openapi/document.js';
import * as wire from '../../src/wire/index.js';

/**
 * One definition of the wire: the OpenAPI document's component schemas are
 * zod's JSON Schema export of src/wire, the client's types are type-only views
 * of the same schemas, and the server's codes and statuses come from there too.
 */
describe('the wire schemas (src/wire)', () => {
  it('are what the OpenAPI document lists under components.schemas', () => {
    const schemas = openApiDocument.components.schemas as Record<string, Record<string, unknown>>;
    const covered = ['ReceiverRequest', 'ReceiverResponse', 'UploadHeaders', 'ObtainUrl', 'LabelFilter', 'ScanResult', 'Label', 'Placement', 'ImageStatus', 'ImageRecord', 'Error', 'ErrorCode', 'Health', 'FileName', 'ImageEvent', 'ImageEventData', 'EventPost', 'Moderation', 'Variants', 'VariantInfo', 'ObtainVariant'];
    expect(Object.keys(schemas).sort()).toEqual(covered.sort());
    const { $schema: _s, ...receiver } = z.toJSONSchema(wire.ReceiverRequest, { io: 'input' }) as Record<string, unknown>;
    expect({ ...schemas.ReceiverRequest, description: undefined }).toMatchObject({ ...receiver, description: undefined });
    expect(schemas.ImageStatus!.enum).toEqual([...wire.IMAGE_STATUSES]);
    expect(schemas.ErrorCode!.enum).toEqual([...wire.ERROR_CODES]);
    expect(schemas.ImageRecord!.properties).toMatchObject({ status: { $ref: '#/components/schemas/ImageStatus' } });
  });

  it('give the client its types (compile-time) and the server its codes and statuses', () => {
    expectTypeOf<Client.ScanResult>().toEqualTypeOf<z.output<typeof wire.ScanResult>>();
    expectTypeOf<Client.ReceiverRequest>().toEqualTypeOf<z.input<typeof wire.ReceiverRequest>>();
    expectTypeOf<Client.ImageRecord>().toEqualTypeOf<z.output<typeof wire.ImageRecord>>();
    expectTypeOf<ClientEvents.ImageEvent>().toEqualTypeOf<z.output<typeof wire.ImageEvent>>();
    expectTypeOf<ServerImageEvent>().toEqualTypeOf<z.output<typeof wire.ImageEvent>>();
    expectTypeOf<ServerImageStatus>().toEqualTypeOf<z.output<typeof wire.ImageStatus>>();
    expectTypeOf<ServerErrorCode>().toExtend<z.output<typeof wire.ErrorCode>>();
    expect(wire.ReceiverRequest.safeParse({ image_hash: 'a'.repeat(64), content_type: 'image/png', post_id: 1, user_id: 2, picture_id: 3 }).success).toBe(false);
  });
});
