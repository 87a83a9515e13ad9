/**
 * The OpenAPI 3.1 description of the whole HTTP API (SPEC §3), written once as
 * a `const` so that:
 *  - `openapi/openapi.json` is generated from it (`npm run openapi`; a test
 *    checks the committed file equals a fresh generation),
 *  - the local stack serves it at `GET /openapi.json`,
 *  - the client's types are checked against it at compile time
 *    (`FromSchema`, see ./from-schema.ts), and
 *  - a test validates real responses of the local stack against it (ajv).
 */

const FILE_NAME_PATTERN = '^[A-Za-z0-9_-]{1,128}-[0-9a-f]{64}\\.(jpg|png)$';
const LABEL_FILTER_PATTERN = '^\\s*[^<>=\\s][^<>=]{0,99}?\\s*[<>]\\s*\\d{1,3}(\\.\\d{1,6})?\\s*$';
const MAX_ID = 9007199254740991;

/** `{"error","message"}` restricted to the codes a given answer can carry. */
const errorBody = <const C extends readonly string[]>(codes: C) =>
  ({
    type: 'object',
    required: ['error', 'message'],
    additionalProperties: false,
    properties: {
      error: { type: 'string', enum: codes },
      message: { type: 'string', minLength: 1 },
    },
  }) as const;

const errorResponse = <const C extends readonly string[]>(description: string, codes: C) =>
  ({ description, content: { 'application/json': { schema: errorBody(codes) } } }) as const;

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

/** The webhook (SPEC §3.8): Standard Webhooks headers, at-least-once, answered 2xx in 10 s. */
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
      'The backend-serverless of TravelLog (SPEC §3). Every route but `/health` needs',
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
          '413': errorResponse('The body exceeds 64 KB (or the gateway limit of 10 MiB).', ['payload_too_large']),
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
        summary: "Short-lived access to the owner's original",
        description: [
          'The owner of an existing image gets a 302 to a presigned GET URL valid',
          '`SIGNED_URL_READ_EXPIRATION` seconds (default 30), or, with `Accept: application/json`, a 200',
          'with that URL. Anyone else gets 401 whether or not the image exists (the user id in the file',
          'name must equal the token user exactly: `45` never owns `456-…`).',
        ].join(' '),
        parameters: [
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
            description: 'Redirect to a presigned GET URL of the original.',
            headers: {
              Location: { required: true, description: 'The presigned URL.', schema: { type: 'string', format: 'uri' } },
              'Cache-Control': { $ref: '#/components/headers/NoStore' },
            },
          },
          '400': response('InvalidFileName'),
          ...common,
          '401': errorResponse('Missing or invalid token, or the image belongs to another user (whether or not it exists).', [
            'unauthorized',
          ]),
          '404': errorResponse("The token user's image does not exist (never uploaded, expired or deleted).", ['not_found']),
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
        ].join(' '),
        parameters: [
          { $ref: '#/components/parameters/PostId' },
          { $ref: '#/components/parameters/TripId' },
          { $ref: '#/components/parameters/LocationId' },
          { $ref: '#/components/parameters/Label' },
        ],
        responses: {
          '200': json('The matching file names.', ref('ScanResult')),
          '400': errorResponse('Two groupings, a non-positive or repeated grouping id, an unknown parameter, or a malformed filter.', [
            'bad_request',
            'unknown_parameter',
            'invalid_filter',
          ]),
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
        schema: { type: 'string', pattern: FILE_NAME_PATTERN },
      },
      PostId: { name: 'post_id', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: MAX_ID } },
      TripId: { name: 'trip_id', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: MAX_ID } },
      LocationId: { name: 'location_id', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: MAX_ID } },
      Label: {
        name: 'label',
        in: 'query',
        required: false,
        description: '`<name><op><value>`, op `>` or `<`, value 0–100; repeatable (at most 10), AND-ed.',
        style: 'form',
        explode: true,
        schema: { type: 'array', maxItems: 10, items: { type: 'string', maxLength: 200, pattern: LABEL_FILTER_PATTERN } },
        examples: { beach: { value: ['beach>80'] }, beachNoOcean: { value: ['beach>80', 'ocean<90'] } },
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
    schemas: {
      Error: {
        type: 'object',
        description: 'Every error body.',
        required: ['error', 'message'],
        additionalProperties: false,
        properties: {
          error: {
            type: 'string',
            description: 'A stable, machine-readable code.',
            examples: ['validation_error', 'unauthorized', 'not_found'],
          },
          message: { type: 'string', description: 'A human sentence.', minLength: 1 },
        },
      },
      ErrorCode: {
        type: 'string',
        description: 'Every code an error body may carry.',
        enum: [
          'bad_request',
          'validation_error',
          'invalid_json',
          'invalid_file_name',
          'invalid_filter',
          'unknown_parameter',
          'unauthorized',
          'forbidden',
          'not_found',
          'payload_too_large',
          'unsupported_media_type',
          'internal_error',
          'authorizer_error',
          'timeout',
          'too_many_requests',
        ],
      },
      FileName: {
        type: 'string',
        description: '`<user_id>-<sha256 hex>.<jpg|png>`: the S3 object key and the API name of an image.',
        pattern: FILE_NAME_PATTERN,
        examples: ['456-9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.jpg'],
      },
      ReceiverRequest: {
        type: 'object',
        additionalProperties: false,
        required: ['image_hash', 'content_type', 'post_id', 'user_id', 'picture_id'],
        properties: {
          image_hash: {
            type: 'string',
            description: 'SHA-256 of the file, 64 hex characters (upper case accepted, stored lower case).',
            pattern: '^[0-9a-fA-F]{64}$',
          },
          content_type: {
            type: 'string',
            minLength: 1,
            maxLength: 255,
            description: '`image/jpeg` (stored as `.jpg`) or `image/png` (`.png`); anything else → 415.',
            examples: ['image/jpeg', 'image/png'],
          },
          post_id: { type: 'integer', minimum: 1, maximum: MAX_ID },
          user_id: {
            description: "The token's user: must equal it, else 403.",
            oneOf: [
              { type: 'integer', minimum: 0, maximum: MAX_ID },
              { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$' },
            ],
          },
          picture_id: { type: 'integer', minimum: 1, maximum: MAX_ID },
          post: {
            type: 'object',
            additionalProperties: false,
            description: 'The post the picture belongs to.',
            properties: {
              trip_id: { type: ['integer', 'null'], minimum: 1, maximum: MAX_ID },
              location_id: { type: ['integer', 'null'], minimum: 1, maximum: MAX_ID },
              content: { type: 'string', maxLength: 10000 },
            },
          },
        },
        examples: [
          {
            image_hash: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
            content_type: 'image/jpeg',
            post_id: 123,
            user_id: 456,
            picture_id: 789,
            post: { trip_id: 3, location_id: 5, content: 'Día increíble en el desierto' },
          },
        ],
      },
      ReceiverResponse: {
        type: 'object',
        additionalProperties: false,
        required: ['file_name', 'upload_url', 'expires_in', 'upload_headers'],
        properties: {
          file_name: ref('FileName'),
          upload_url: { type: 'string', format: 'uri', description: 'Presigned S3 PUT URL.' },
          expires_in: { type: 'integer', minimum: 1, description: 'Seconds the URL stays valid (`SIGNED_URL_WRITE_EXPIRATION`).' },
          upload_headers: ref('UploadHeaders'),
        },
      },
      UploadHeaders: {
        type: 'object',
        description: 'Exactly the headers the PUT must carry (the signature binds them); send them verbatim.',
        required: ['Content-Type', 'x-amz-checksum-sha256'],
        properties: {
          'Content-Type': { type: 'string', enum: ['image/jpeg', 'image/png'] },
          'x-amz-checksum-sha256': {
            type: 'string',
            description: 'Base64 of the 32-byte SHA-256: S3 answers `BadDigest` when the body has another hash.',
            pattern: '^[A-Za-z0-9+/]{43}=$',
          },
        },
        additionalProperties: { type: 'string' },
      },
      ObtainUrl: {
        type: 'object',
        additionalProperties: false,
        required: ['url', 'expires_in'],
        properties: {
          url: { type: 'string', format: 'uri', description: 'Presigned GET URL of the original.' },
          expires_in: { type: 'integer', minimum: 1, description: 'Seconds (`SIGNED_URL_READ_EXPIRATION`).' },
        },
      },
      LabelFilter: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'operator', 'confidence_threshold'],
        properties: {
          name: { type: 'string', minLength: 1, description: 'Lower-cased label name.' },
          operator: { type: 'string', enum: ['>', '<'] },
          confidence_threshold: { type: 'number', minimum: 0, maximum: 100 },
        },
      },
      ScanResult: {
        description: '`total_count` equals the length of `images`.',
        oneOf: [
          {
            type: 'object',
            additionalProperties: false,
            required: ['grouping', 'grouping_id', 'filters', 'total_count', 'images'],
            properties: {
              grouping: { type: 'string', const: 'user_id', description: 'No grouping: all the user’s images.' },
              grouping_id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$', description: 'The token user.' },
              filters: { type: 'array', items: ref('LabelFilter') },
              total_count: { type: 'integer', minimum: 0 },
              images: { type: 'array', items: ref('FileName') },
            },
          },
          {
            type: 'object',
            additionalProperties: false,
            required: ['grouping', 'grouping_id', 'filters', 'total_count', 'images'],
            properties: {
              grouping: { type: 'string', enum: ['post_id', 'trip_id', 'location_id'] },
              grouping_id: { type: 'integer', minimum: 1, maximum: MAX_ID },
              filters: { type: 'array', items: ref('LabelFilter') },
              total_count: { type: 'integer', minimum: 0 },
              images: { type: 'array', items: ref('FileName') },
            },
          },
        ],
      },
      Label: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'confidence', 'parents'],
        properties: {
          name: { type: 'string', minLength: 1 },
          confidence: { type: 'number', minimum: 0, maximum: 100 },
          parents: { type: 'array', items: { type: 'string' } },
        },
      },
      Placement: {
        type: 'object',
        additionalProperties: false,
        description: 'One post the image was registered in.',
        required: ['post_id', 'picture_id', 'trip_id', 'location_id', 'content'],
        properties: {
          post_id: { type: 'integer', minimum: 1 },
          picture_id: { type: 'integer', minimum: 1 },
          trip_id: { type: ['integer', 'null'], minimum: 1 },
          location_id: { type: ['integer', 'null'], minimum: 1 },
          content: { type: 'string' },
        },
      },
      ImageStatus: {
        type: 'string',
        enum: ['waiting', 'analysing', 'approved', 'under_review', 'rejected', 'failed'],
        description: '`waiting` for the upload; `analysing`; then a verdict, or `failed` (see `failure_reason`).',
      },
      ImageRecord: {
        type: 'object',
        additionalProperties: false,
        required: [
          'file_name',
          'image_hash',
          'content_type',
          'status',
          'rekognition_results',
          'analysis_source',
          'failure_reason',
          'post_id',
          'picture_id',
          'trip_id',
          'location_id',
          'content',
          'posts',
          'object_size',
          'created_at',
          'updated_at',
          'uploaded_at',
          'analysed_at',
          'expires_at',
        ],
        properties: {
          file_name: ref('FileName'),
          image_hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
          content_type: { type: 'string' },
          status: ref('ImageStatus'),
          rekognition_results: {
            type: 'array',
            items: ref('Label'),
            description: 'Labels at or above `MIN_CONFIDENCE`, highest first.',
          },
          analysis_source: {
            type: ['string', 'null'],
            enum: ['detected', 'reused', null],
            description: '`detected`: this upload ran the detector; `reused`: copied from an earlier analysis of the same image.',
          },
          failure_reason: { type: ['string', 'null'] },
          post_id: { type: ['integer', 'null'], description: 'The latest registration’s post (see `posts` for all).' },
          picture_id: { type: ['integer', 'null'] },
          trip_id: { type: ['integer', 'null'] },
          location_id: { type: ['integer', 'null'] },
          content: { type: ['string', 'null'] },
          posts: { type: 'array', items: ref('Placement') },
          object_size: { type: ['integer', 'null'], minimum: 0, description: 'Bytes, once uploaded.' },
          created_at: { type: 'string', format: 'date-time' },
          updated_at: { type: 'string', format: 'date-time' },
          uploaded_at: { type: ['string', 'null'], format: 'date-time' },
          analysed_at: { type: ['string', 'null'], format: 'date-time' },
          expires_at: {
            type: ['string', 'null'],
            format: 'date-time',
            description: 'While `waiting`: when the registration expires.',
          },
        },
      },
      ImageEvent: {
        type: 'object',
        additionalProperties: false,
        description: 'A completion event: the webhook body and the EventBridge `detail`.',
        required: ['type', 'timestamp', 'data'],
        properties: {
          type: { type: 'string', enum: ['image.analysed', 'image.deleted'] },
          timestamp: { type: 'string', format: 'date-time', description: 'When the record changed.' },
          data: ref('ImageEventData'),
        },
      },
      ImageEventData: {
        type: 'object',
        additionalProperties: false,
        description: 'Fields that do not apply are absent: `status` and `labels` on `image.analysed`, `moderation` for `under_review`/`rejected` when known, `failure_reason` for `failed` (no `labels` then).',
        required: ['file_name', 'user_id', 'posts'],
        properties: {
          file_name: ref('FileName'),
          user_id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$' },
          status: { type: 'string', enum: ['approved', 'under_review', 'rejected', 'failed'] },
          labels: { type: 'array', items: ref('Label') },
          moderation: ref('Moderation'),
          failure_reason: { type: 'string' },
          posts: { type: 'array', items: ref('EventPost') },
        },
      },
      EventPost: {
        type: 'object',
        additionalProperties: false,
        description: 'A post the image is in (the registration’s ids, without the post text).',
        required: ['post_id', 'picture_id', 'trip_id', 'location_id'],
        properties: {
          post_id: { type: 'integer', minimum: 1 },
          picture_id: { type: 'integer', minimum: 1 },
          trip_id: { type: ['integer', 'null'], minimum: 1 },
          location_id: { type: ['integer', 'null'], minimum: 1 },
        },
      },
      Moderation: {
        type: 'object',
        additionalProperties: false,
        description: 'Why an image is under review or rejected: the censored label, its confidence and the threshold it reached.',
        required: ['label', 'confidence', 'threshold'],
        properties: {
          label: { type: 'string' },
          confidence: { type: 'number', minimum: 0, maximum: 100 },
          threshold: { type: 'number', minimum: 0, maximum: 100 },
        },
      },
      Health: {
        type: 'object',
        additionalProperties: false,
        required: ['status'],
        properties: {
          status: { type: 'string', enum: ['ok', 'degraded'] },
          label_detector: {
            type: 'string',
            enum: ['warming', 'ready', 'failed'],
            description: 'Local stack with the embedded model only: its state (images wait while it warms up).',
          },
          reason: { type: 'string', description: 'Why the stack is degraded.' },
        },
      },
    },
  },
} as const;

export type OpenApiDocument = typeof openApiDocument;
export type ComponentSchemas = OpenApiDocument['components']['schemas'];

/** The document as served and committed: stable key order, two-space JSON, trailing newline. */
export const renderOpenApiJson = (): string => `${JSON.stringify(openApiDocument, null, 2)}\n`;
