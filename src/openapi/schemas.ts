import * as z from 'zod/mini';
import * as wire from '../wire/index.js';

/**
 * The document's `components.schemas`, derived from the wire schemas (src/wire)
 * with zod's own JSON Schema export, so the document cannot drift from what the
 * functions validate and answer. Request bodies are exported as their input.
 */
const COMPONENTS = {
  Error: [wire.ErrorBody, 'Every error body: a stable, machine-readable code and a human sentence.'],
  ErrorCode: [wire.ErrorCode, 'Every code an error body may carry.'],
  FileName: [wire.FileName, '`<user_id>-<sha256 hex>.<jpg|png>`: the S3 object key and the API name of an image.'],
  ReceiverRequest: [wire.ReceiverRequest, 'The body of `POST /receiver`; `image_hash` upper case is accepted and stored lower case.'],
  ReceiverResponse: [wire.ReceiverResponse, '`upload_url` is a presigned S3 PUT valid `expires_in` seconds.'],
  UploadHeaders: [wire.UploadHeaders, 'Exactly the headers the PUT must carry (the signature binds them); send them verbatim.'],
  ObtainUrl: [wire.ObtainUrl, 'A presigned GET URL of the original (or of the requested variant) and its lifetime in seconds.'],
  LabelFilter: [wire.LabelFilter, 'A parsed label filter (lower-cased name).'],
  ScanResult: [wire.ScanResult, '`total_count` equals the length of `images`.'],
  Label: [wire.Label, 'A label: name, confidence 0–100, parent labels.'],
  Placement: [wire.Placement, 'One post the image was registered in.'],
  ImageStatus: [wire.ImageStatus, '`waiting` for the upload; `analysing`; then a verdict, or `failed` (see `failure_reason`).'],
  ImageRecord: [wire.ImageRecord, "The owner's record of an image."],
  Variants: [wire.Variants, 'The variants made so far (`{}` until the analysis made them): JPEG, EXIF orientation applied, no metadata, never upscaled.'],
  VariantInfo: [wire.VariantInfo, 'One variant: its pixel size, content type and byte size.'],
  ObtainVariant: [wire.ObtainVariant, '`original` (default), `thumb` (long side ≤ 320 px) or `preview` (≤ 1600 px).'],
  Health: [wire.Health, 'Liveness; locally with the embedded model also its state.'],
  ImageEvent: [wire.ImageEvent, 'A completion event: the webhook body and the EventBridge `detail`.'],
  ImageEventData: [
    wire.ImageEventData,
    'Fields that do not apply are absent: `status` and `labels` on `image.analysed`, `moderation` for `under_review`/`rejected` when known, `failure_reason` for `failed` (no `labels` then).',
  ],
  EventPost: [wire.EventPost, 'A post the image is in (the registration’s ids, without the post text).'],
  Moderation: [wire.Moderation, 'Why an image is under review or rejected: the censored label, its confidence and the threshold it reached.'],
} as const satisfies Record<string, readonly [z.ZodMiniType, string]>;

export type ComponentName = keyof typeof COMPONENTS;

type JsonSchema = Record<string, unknown>;
const strip = ({ $schema: _s, $id: _i, ...rest }: JsonSchema): JsonSchema => rest;

export const componentSchemas = (): Record<ComponentName, JsonSchema> => {
  const registry = z.registry<{ id: string; description: string }>();
  for (const [id, [schema, description]] of Object.entries(COMPONENTS)) registry.add(schema, { id, description });
  const { schemas } = z.toJSONSchema(registry, { target: 'draft-2020-12', io: 'input', uri: (id) => `#/components/schemas/${id}` });
  return Object.fromEntries(Object.keys(COMPONENTS).map((id) => [id, strip(schemas[id] as JsonSchema)])) as Record<ComponentName, JsonSchema>;
};

/** One schema inline (a parameter's), as JSON Schema 2020-12. */
export const jsonSchemaOf = (schema: z.ZodMiniType): JsonSchema =>
  strip(z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as JsonSchema);
