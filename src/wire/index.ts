/**
 * The wire contract of the HTTP API (docs/api.md), defined once in zod. Each
 * area has its file; this index names every schema the OpenAPI document lists
 * under `components.schemas` (src/openapi/schemas.ts) and the client re-exports
 * as types (client/src/types.ts).
 */
export * from './constants.js';
export { FileName, ImageHash, Label, Placement, PositiveId } from './common.js';
export { ErrorBody, ErrorCode, errorBodyOf } from './errors.js';
export { AnalysisSource, ImageStatus } from './statuses.js';
export { ReceiverRequest, ReceiverResponse, UploadHeaders } from './receiver.js';
export { LabelFilter, LabelFilterString, ScanParameters, ScanResult } from './scan.js';
export { ImageRecord, VariantInfo, Variants } from './images.js';
export { ObtainUrl, ObtainVariant } from './obtain.js';
export { Health } from './health.js';
export { EventPost, IMAGE_EVENT_TYPES, ImageEvent, ImageEventData, Moderation } from './events.js';
