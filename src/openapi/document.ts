// Over 300 lines: the one OpenAPI document (every route, parameter, status and header, read top to bottom as the document it renders); the body schemas are already elsewhere (src/wire via ./schemas.ts).
/**
 * The OpenAPI 3.1 description of the whole HTTP API (docs/api.md): routes,
 * parameters, statuses and headers are written here; every body schema derives
 * from the wire schemas (src/wire, see ./schemas.ts). So that:
 *  - `openapi/openapi.json` is generated from it (`npm run openapi`; a test
 *    checks the committed file equals a fresh generation),
 *  - the local stack serves it at `GET /openapi.json`, and
 *  - a test validates real responses of the local stack against it (ajv).
 */
import { errorBodyOf, MAX_FILTERS, ScanParameters } from '../wire/index.js';
import type { ErrorCode } from '../wire/constants.js';
import { componentSchemas, jsonSchemaOf } from './schemas.js';

const errorResponse = <const C extends readonly [ErrorCode, ...ErrorCode[]]>(description: string, codes: C) =>
  ({ description, content: { 'application/json': { schema: jsonSchemaOf(errorBodyOf(codes)) } } }) as const;

const json = <const S>(description: string, schema: S) => ({ description, content: { 'application/json': { schema } } }) as const;
const ref = <const N extends string>(name: N) => ({ $ref: `#/components/schemas/${name}` }) as const;
const response = <const N extends string>(name: N) => ({ $ref: `#/components/responses/${name}` }) as const;

/** Answers any authorized route may give (the gateway's own, and the function's 5xx). */
const common = {
  '401': response('Unauthorized'),
  '403': response('Forbidden'),
  '413': response('RequestTooLarge'),
  '429': response('TooManyRequests'),
  '500': response('InternalError'),
  '502': response('BadGateway'),
  '504': response('GatewayTimeout'),
} as const;

const fileNameParameter = { $ref: '#/components/parameters/FileName' } as const;

/** The webhook (API §8): Standard Webhooks headers, at-least-once, answered 2xx in 10 s. */
const WEBHOOK_DESCRIPTION = [
  'POSTed to `WEBHOOK_URL` (template parameter `WebhookUrl`) following the Standard Webhooks specification.',
  'The signature is `v1,<base64 HMAC-SHA256>` over `<webhook-id>.<webhook-timestamp>.<body>` with the',
  'secret `WEBHOOK_SECRET` = `whsec_<base64>` (verify with `verifyWebhook` of the client library). Delivery is',
  'at least once: a non-2xx or no answer within 10 s is retried with backoff (on AWS for about 27 h, then a',
  'dead-letter queue), with the same `webhook-id`, so deduplicate by it. Order is not guaranteed. On AWS the',
  'same event also goes to EventBridge (default bus, source `travellog.images`, detail-type `Image Analysed` /',
  '`Image Deleted`, the event as `detail`).',
].join(' ');
const WEBHOOK_HEADERS = [
  { name: 'webhook-id', in: 'header', required: true, description: 'The change’s id, the same on every retry.', schema: { type: 'string', pattern: '^msg_[0-9a-f]{32}$' } },
  { name: 'webhook-timestamp', in: 'header', required: true, description: 'Unix seconds of this attempt; refuse it when more than 5 minutes away.', schema: { type: 'string', pattern: '^[0-9]+$' } },
  { name: 'webhook-signature', in: 'header', required: true, description: '`v1,<base64 HMAC-SHA256>` (space-separated when several).', schema: { type: 'string', pattern: '^v1,[A-Za-z0-9+/]+={0,2}( v1,[A-Za-z0-9+/]+={0,2})*$' } },
] as const;
const WEBHOOK_RESPONSES = {
  '2XX': { description: 'Delivered (any 2xx within 10 s); the body is ignored.' },
  default: { description: 'Anything else, or no answer in 10 s: retried with backoff, then dead-lettered.' },
} as const;

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'TravelLog backend-serverless API',
    version: '0.1.0',
    summary: 'Register pictures, upload them straight to S3, read their analysis, fetch and search them.',
    description: [
      'The backend-serverless of TravelLog (docs/api.md). Every route but `/health` needs',
      '`Authorization: Bearer <JWT>` (HS256 with the secret shared with the backend-server; the user id',
      'is the first present claim of `JWT_USER_CLAIMS`, default `user_id,sub`).',
      '',
      'Every error is JSON `{"error": "<code>", "message": "<sentence>"}` with CORS headers, including the',
      "gateway's own 401/403/404/413 answers. No input produces a 5xx.",
      '',
      'Upload flow: `POST /receiver` returns `upload_url` and `upload_headers`; the original is then',
      '`PUT` to `upload_url` (S3, not this API) with exactly `upload_headers` and the file as the body.',
      'S3 refuses (XML error, e.g. `BadDigest`, `SignatureDoesNotMatch`, `AccessDenied`) any body whose',
      'SHA-256 is not `image_hash`, another content type, or an expired URL.',
      '',
      'The local stack (`npm start`) also serves this document at `GET /openapi.json`.',
    ].join('\n'),
    license: { name: 'MIT', identifier: 'MIT' },
  },
  servers: [
    { url: 'http://127.0.0.1:3000', description: 'The local stack (`npm start`)' },
    {
      url: 'https://{apiId}.execute-api.{region}.amazonaws.com/{stage}',
      description: 'API Gateway (deployed: the stack output `ApiUrl`)',
      variables: {
        apiId: { default: 'abcdef1234' },
        region: { default: 'us-east-1' },
        stage: { default: 'v1' },
      },
    },
  ],
  security: [{ bearerAuth: [] }],
  tags: [
    { name: 'upload', description: 'Register a picture and get its upload URL' },
    { name: 'images', description: "The owner's images: access, record, deletion" },
    { name: 'search', description: 'Search by grouping and label confidence' },
    { name: 'ops', description: 'Liveness' },
    { name: 'events', description: 'Webhooks this service sends to the backend-server (`WEBHOOK_URL`)' },
  ],
  paths: {
    '/receiver': {
      post: {
        operationId: 'registerImage',
        tags: ['upload'],
        summary: 'Register an image and get a checksum-bound upload URL',
        description: [
          'Records the image (`status: "waiting"`) for the token user and returns a presigned S3 PUT URL',
          'bound to the object key, the content type and the SHA-256. A `waiting` record whose upload',
          'never arrives expires (`WAITING_RECORD_TTL_SECONDS`). Re-registering (the same user, the same',
          'image, possibly another post) answers 200, never destroys an analysis already done, and keeps',
          'the image visible in every post it was registered in. Safe to retry.',
        ].join(' '),
        requestBody: {
          required: true,
          description: 'At most 64 KB of JSON.',
          content: { 'application/json': { schema: ref('ReceiverRequest') } },
        },
        responses: {
          '200': json('The same user re-registered the same image (the analysis, if any, is kept).', ref('ReceiverResponse')),
          '201': json('A new registration.', ref('ReceiverResponse')),
          '400': errorResponse('The body is missing, not JSON, or not a valid registration (the message says which field).', [
            'invalid_json',
            'validation_error',
          ]),
          ...common,
          '403': errorResponse("`user_id` is not the token's user, or the gateway denied the request.", ['forbidden']),
          '413': errorResponse('The body exceeds 64 KB (or the gateway limit of 10 MiB), or `byte_size` exceeds the maximum original size (50 MB).', [
            'payload_too_large',
            'image_too_large',
          ]),
          '415': errorResponse('`content_type` is not `image/jpeg` or `image/png`; the message names the accepted ones.', [
            'unsupported_media_type',
          ]),
        },
      },
    },
    '/obtain/{file_name}': {
      parameters: [fileNameParameter],
      get: {
        operationId: 'obtainImage',
        tags: ['images'],
        summary: "Short-lived access to the owner's original, or its thumb or preview",
        description: [
          'The owner of an existing image gets a 302 to a presigned GET URL valid',
          '`SIGNED_URL_READ_EXPIRATION` seconds (default 30), or, with `Accept: application/json`, a 200',
          'with that URL. Anyone else gets 401 whether or not the image exists (the user id in the file',
          'name must equal the token user exactly: `45` never owns `456-…`). `variant=thumb|preview` points',
          'at a JPEG made from the original (404 `variant_not_ready` until the analysis has made it).',
        ].join(' '),
        parameters: [
          {
            name: 'variant',
            in: 'query',
            required: false,
            description: '`original` (default), `thumb` (long side ≤ 320 px) or `preview` (≤ 1600 px); once.',
            schema: ref('ObtainVariant'),
          },
          {
            name: 'Accept',
            in: 'header',
            required: false,
            description: '`application/json` for a 200 `{url, expires_in}` instead of the redirect.',
            schema: { type: 'string' },
          },
        ],
        responses: {
          '200': {
            description: 'With `Accept: application/json`: the presigned URL.',
            headers: { 'Cache-Control': { $ref: '#/components/headers/NoStore' } },
            content: { 'application/json': { schema: ref('ObtainUrl') } },
          },
          '302': {
            description: 'Redirect to a presigned GET URL of the original (or of the variant).',
            headers: {
              Location: { required: true, description: 'The presigned URL.', schema: { type: 'string', format: 'uri' } },
              'Cache-Control': { $ref: '#/components/headers/NoStore' },
            },
          },
          '400': errorResponse('The file name is not `<user_id>-<sha256>.<jpg|png>` (or its percent-encoding is malformed), or `variant` is not one of original, thumb, preview (once).', [
            'invalid_file_name',
            'bad_request',
            'unknown_variant',
          ]),
          ...common,
          '401': errorResponse('Missing or invalid token, or the image belongs to another user (whether or not it exists).', [
            'unauthorized',
          ]),
          '404': errorResponse("The token user's image does not exist (never uploaded, expired or deleted), or the variant is not made yet.", [
            'not_found',
            'variant_not_ready',
          ]),
        },
      },
    },
    '/scan': {
      get: {
        operationId: 'scanImages',
        tags: ['search'],
        summary: "Search the token user's uploaded images",
        description: [
          'At most one grouping (`post_id`, `trip_id`, `location_id`); none = all the user\'s images.',
          'Label filters are AND-ed: `beach>80` = has Beach with confidence > 80; `ocean<90` = has no',
          'Ocean, or Ocean < 90 (names are case-insensitive). Lists uploaded images only (never `waiting`);',
          'with label filters, analysed ones only. Any other parameter is refused with 400.',
          'One page of at most `limit` images; `next_token` (null on the last page) fetches the next one.',
          'Pages never overlap or skip an image; `total_count` counts every match.',
        ].join(' '),
        parameters: [
          { $ref: '#/components/parameters/PostId' },
          { $ref: '#/components/parameters/TripId' },
          { $ref: '#/components/parameters/LocationId' },
          { $ref: '#/components/parameters/Label' },
          { $ref: '#/components/parameters/Limit' },
          { $ref: '#/components/parameters/NextToken' },
        ],
        responses: {
          '200': json('One page of the matching file names.', ref('ScanResult')),
          '400': errorResponse(
            'Two groupings, a non-positive or repeated grouping id, an unknown parameter, a malformed filter, a `limit` outside 1–1000, or a `next_token` that was changed or belongs to another user or query.',
            ['bad_request', 'unknown_parameter', 'invalid_filter', 'invalid_limit', 'invalid_next_token'],
          ),
          ...common,
        },
      },
    },
    '/images/{file_name}': {
      parameters: [fileNameParameter],
      get: {
        operationId: 'getImage',
        tags: ['images'],
        summary: "The owner's record of an image: status, labels, metadata, posts",
        description: 'For polling the analysis: `waiting` → `analysing` → `approved` | `under_review` | `rejected`, or `failed`.',
        responses: {
          '200': json('The record.', ref('ImageRecord')),
          '400': response('InvalidFileName'),
          ...common,
          '401': response('NotTheOwner'),
          '404': errorResponse("No such image of the token user (never registered, expired or deleted).", ['not_found']),
        },
      },
      delete: {
        operationId: 'deleteImage',
        tags: ['images'],
        summary: "Delete the owner's image: the object, the record and every post placement",
        description: 'Idempotent: deleting a missing image of your own is also 204.',
        responses: {
          '204': { description: 'Deleted (or already absent).' },
          '400': response('InvalidFileName'),
          ...common,
          '401': response('NotTheOwner'),
        },
      },
    },
    '/health': {
      get: {
        operationId: 'health',
        tags: ['ops'],
        summary: 'Liveness (no token needed)',
        security: [],
        responses: {
          '200': json('Every part is up.', ref('Health')),
          '503': json('Up, but a part failed (locally: the embedded label model could not load).', ref('Health')),
          '429': response('TooManyRequests'),
          '500': response('InternalError'),
          '502': response('BadGateway'),
          '504': response('GatewayTimeout'),
        },
      },
    },
  },
  webhooks: {
    'image.analysed': {
      post: {
        operationId: 'imageAnalysed',
        tags: ['events'],
        summary: 'An image reached a terminal status (approved, under_review, rejected, failed)',
        description: WEBHOOK_DESCRIPTION,
        parameters: WEBHOOK_HEADERS,
        requestBody: { required: true, content: { 'application/json': { schema: ref('ImageEvent') } } },
        responses: WEBHOOK_RESPONSES,
      },
    },
    'image.deleted': {
      post: {
        operationId: 'imageDeleted',
        tags: ['events'],
        summary: 'An image was deleted (`DELETE /images/{file_name}` removed it)',
        description: WEBHOOK_DESCRIPTION,
        parameters: WEBHOOK_HEADERS,
        requestBody: { required: true, content: { 'application/json': { schema: ref('ImageEvent') } } },
        responses: WEBHOOK_RESPONSES,
      },
    },
  },
  components: {
    securitySchemes: {
      bearerAuth: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'HS256 (or HS384/HS512 if configured) JWT minted by the backend-server; `exp` required; 30 s leeway.',
      },
    },
    parameters: {
      FileName: {
        name: 'file_name',
        in: 'path',
        required: true,
        description: '`<user_id>-<sha256 hex>.<jpg|png>`, as `POST /receiver` returned it. Anything else → 400.',
        schema: ref('FileName'),
      },
      PostId: { name: 'post_id', in: 'query', required: false, schema: jsonSchemaOf(ScanParameters.post_id) },
      TripId: { name: 'trip_id', in: 'query', required: false, schema: jsonSchemaOf(ScanParameters.trip_id) },
      LocationId: { name: 'location_id', in: 'query', required: false, schema: jsonSchemaOf(ScanParameters.location_id) },
      Label: {
        name: 'label',
        in: 'query',
        required: false,
        description: `\`<name><op><value>\`, op \`>\` or \`<\`, value 0–100; repeatable (at most ${MAX_FILTERS}), AND-ed.`,
        style: 'form',
        explode: true,
        schema: jsonSchemaOf(ScanParameters.label),
        examples: { beach: { value: ['beach>80'] }, beachNoOcean: { value: ['beach>80', 'ocean<90'] } },
      },
      Limit: { name: 'limit', in: 'query', required: false, description: 'Images per page (default 1000).', schema: jsonSchemaOf(ScanParameters.limit) },
      NextToken: {
        name: 'next_token',
        in: 'query',
        required: false,
        description: "The previous page's `next_token`, unchanged, with the same query (anything else → 400 `invalid_next_token`).",
        schema: jsonSchemaOf(ScanParameters.next_token),
      },
    },
    headers: {
      NoStore: { description: 'Presigned URLs are never cached.', schema: { type: 'string', const: 'no-store' } },
    },
    responses: {
      InvalidFileName: errorResponse('The file name is not `<user_id>-<sha256>.<jpg|png>` (or its percent-encoding is malformed).', [
        'invalid_file_name',
        'bad_request',
      ]),
      NotTheOwner: errorResponse('Missing or invalid token, or the image belongs to another user (whether or not it exists).', [
        'unauthorized',
      ]),
      Unauthorized: errorResponse('Missing, malformed, expired or wrongly signed token (answered by the gateway).', ['unauthorized']),
      Forbidden: errorResponse("The authorizer's policy does not allow this route.", ['forbidden']),
      RequestTooLarge: errorResponse('The request body exceeds the gateway limit (10 MiB).', ['payload_too_large']),
      TooManyRequests: errorResponse('Throttled by API Gateway (deployed API only); retry with backoff.', ['too_many_requests']),
      InternalError: errorResponse('An unexpected failure (logged), or the authorizer failed.', ['internal_error', 'authorizer_error']),
      BadGateway: errorResponse('The function failed or answered malformed.', ['internal_error']),
      GatewayTimeout: errorResponse('The function did not answer in time.', ['timeout']),
    },
    schemas: componentSchemas(),
  },
} as const;

export type OpenApiDocument = typeof openApiDocument;

/** The document as served and committed: stable key order, two-space JSON, trailing newline. */
export const renderOpenApiJson = (): string => `${JSON.stringify(openApiDocument, null, 2)}\n`;
