import { describe, expect, it } from 'vitest';
import type * as Client from '../../client/src/types.js';
import type * as ClientEvents from '../../client/src/webhooks.js';
import type { ImageEvent as ServerImageEvent } from '../../src/core/image-events.js';
import type { ErrorCode as ServerErrorCode } from '../../src/core/errors.js';
import type { ImageStatus as ServerImageStatus } from '../../src/core/image-record.js';
import type { Same, Schema } from '../../src/openapi/from-schema.js';
import { openApiDocument } from '../../src/openapi/document.js';

/**
 * Compile-time: the client's wire types and the OpenAPI schemas are the same
 * types (both ways assignable). `tsc -p .` fails when either side drifts.
 */
const checks = {
  receiverRequest: true satisfies Same<Client.ReceiverRequest, Schema<'ReceiverRequest'>>,
  receiverResponse: true satisfies Same<Client.ReceiverResponse, Schema<'ReceiverResponse'>>,
  uploadHeaders: true satisfies Same<Client.UploadHeaders, Schema<'UploadHeaders'>>,
  obtainUrl: true satisfies Same<Client.ObtainUrl, Schema<'ObtainUrl'>>,
  labelFilter: true satisfies Same<Client.LabelFilter, Schema<'LabelFilter'>>,
  scanResult: true satisfies Same<Client.ScanResult, Schema<'ScanResult'>>,
  label: true satisfies Same<Client.Label, Schema<'Label'>>,
  placement: true satisfies Same<Client.Placement, Schema<'Placement'>>,
  imageStatus: true satisfies Same<Client.ImageStatus, Schema<'ImageStatus'>>,
  imageRecord: true satisfies Same<Client.ImageRecord, Schema<'ImageRecord'>>,
  errorBody: true satisfies Same<Client.ErrorBody, Schema<'Error'>>,
  errorCode: true satisfies Same<Client.ErrorCode, Schema<'ErrorCode'>>,
  health: true satisfies Same<Client.Health, Schema<'Health'>>,
  imageEvent: true satisfies Same<ClientEvents.ImageEvent, Schema<'ImageEvent'>>,
  imageEventData: true satisfies Same<ClientEvents.ImageEventData, Schema<'ImageEventData'>>,
  eventPost: true satisfies Same<ClientEvents.EventPost, Schema<'EventPost'>>,
  moderation: true satisfies Same<ClientEvents.Moderation, Schema<'Moderation'>>,
  // The events the server builds (core's zod schema) are the documented ones.
  serverImageEvent: true satisfies Same<ServerImageEvent, Schema<'ImageEvent'>>,
  // The server's own types agree too: every code it raises and every status it stores is documented.
  serverErrorCodes: true satisfies Same<ServerErrorCode extends Schema<'ErrorCode'> ? true : false, true>,
  serverStatuses: true satisfies Same<ServerImageStatus, Schema<'ImageStatus'>>,
  // …and the checker itself tells types apart.
  detectsOptional: false satisfies Same<{ a?: number }, { a: number }>,
  detectsExtra: false satisfies Same<{ a: number; b: string }, { a: number }>,
  detectsNull: false satisfies Same<{ a: number | null }, { a: number }>,
};

describe('client types vs the OpenAPI document', () => {
  it('are checked at compile time (tsc), and every component schema is covered', () => {
    expect(Object.values(checks).filter((v) => v === true)).toHaveLength(20);
    const covered = ['ReceiverRequest', 'ReceiverResponse', 'UploadHeaders', 'ObtainUrl', 'LabelFilter', 'ScanResult', 'Label', 'Placement', 'ImageStatus', 'ImageRecord', 'Error', 'ErrorCode', 'Health', 'FileName', 'ImageEvent', 'ImageEventData', 'EventPost', 'Moderation'];
    expect(Object.keys(openApiDocument.components.schemas).sort()).toEqual(covered.sort());
  });
});
