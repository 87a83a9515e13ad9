/** Everything both entries export besides `createClient`. */
export {
  createClientFor,
  fetchPut,
  fileNameFor,
  userIdFromToken,
  type BulkItem,
  type BulkOptions,
  type BulkOutcome,
  type CallOptions,
  type Client,
  type ClientOptions,
  type Download,
  type ObtainOptions,
  type Platform,
  type PreparedPicture,
  type PutAnswer,
  type PutRequest,
  type PutTransport,
  type ScanPageOptions,
  type UploadMeta,
  type UploadOptions,
  type UploadPhase,
  type UploadProgress,
  type UploadResult,
  type Variant,
  type WaitOptions,
} from './client.js';
export * from './errors.js';
export * from './token-diagnosis.js';
export { DEFAULT_RETRY, backoffDelay, type RetryOptions } from './retry.js';
export { ScanQuery, formatLabelFilter, type LabelFilterInput, type LabelFilterString, type LabelOperator, type ScanParams } from './scan.js';
export { createWasmHasher, hexToBase64, type Hasher } from './sha256.js';
export {
  blobSource,
  bytesSource,
  contentTypeFromName,
  isSupportedContentType,
  sniffContentType,
  type BrowserPictureInput,
  type PictureSource,
} from './source.js';
export * from './types.js';
export {
  verifyWebhook,
  WebhookVerificationError,
  type EventPost,
  type ImageAnalysedEvent,
  type ImageDeletedEvent,
  type ImageEvent,
  type ImageEventData,
  type Moderation,
  type TerminalStatus,
  type WebhookHeaders,
} from './webhooks.js';
