import {
  AnalyzerConfig,
  AuthorizerConfig,
  HealthConfig,
  ImagesConfig,
  ObtainConfig,
  ReceiverConfig,
  ScanConfig,
} from '../config.js';
import { EventsConfig, NotifierConfig } from '../events-config.js';
import { QUEUE_DEFINITION } from './table.js';
import { WEBHOOK_QUEUE_DEFINITION } from './webhooks.js';

/** Where a function's permission applies; turned into ARNs by the template. */
export type Scope = 'table' | 'tableIndexes' | 'bucket' | 'objects' | 'variants' | 'queue' | 'jwtSecret' | 'pageTokenSecret' | 'defaultEventBus' | 'webhookQueue' | 'webhookSecret' | 'any';

/** Template conditions a resource or permission may exist under. */
export type Condition = 'HasWebhook';

export interface Permission {
  actions: string[];
  on: Scope;
  /** Exercised by an AWS service for the function (the SQS poller), not by its code. */
  byService?: boolean;
  /** Granted only when the condition holds (the webhook queue exists only with a WebhookUrl). */
  when?: Condition;
}

export interface HttpRoute {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  authorized: boolean;
}

export interface FunctionSpec {
  /** src/handlers/<name>.ts */
  name: 'authorizer' | 'receiver' | 'analyzer' | 'obtain' | 'scan' | 'images' | 'health' | 'notifier';
  description: string;
  memoryMb: number;
  timeoutSeconds: number;
  /** The keys of its configuration schema: exactly its environment variables in AWS… */
  env: string[];
  /** …except these, which only the local stack and tests set (e.g. a secret's value: on AWS it lives in Secrets Manager). */
  localOnlyEnv?: string[];
  /** Exactly the AWS operations the handler calls (tested against recorded calls). */
  permissions: Permission[];
  routes: HttpRoute[];
  /** The function exists only when this holds. */
  condition?: Condition;
}

const keys = (schema: { def: { shape: Record<string, unknown> } }) => Object.keys(schema.def.shape);

/** Functions that emit completion events (SPEC §3.8): EventBridge's default bus always, the webhook queue when there is one. */
const EMITS_EVENTS: Permission[] = [
  { actions: ['events:PutEvents'], on: 'defaultEventBus' },
  { actions: ['sqs:SendMessage'], on: 'webhookQueue', when: 'HasWebhook' },
];
const EVENTS_ENV = Object.keys(EventsConfig);


export const FUNCTIONS: FunctionSpec[] = [
  {
    name: 'authorizer',
    description: 'TOKEN authorizer: verifies the backend-server JWT (HS256) and allows the whole API',
    memoryMb: 256,
    timeoutSeconds: 5,
    env: keys(AuthorizerConfig).filter((k) => k !== 'JWT_SECRET'),
    localOnlyEnv: ['JWT_SECRET'],
    permissions: [{ actions: ['secretsmanager:GetSecretValue'], on: 'jwtSecret' }],
    routes: [],
  },
  {
    name: 'receiver',
    description: 'POST /receiver: registers an image and returns a checksum-bound presigned PUT',
    memoryMb: 256,
    timeoutSeconds: 10,
    env: keys(ReceiverConfig),
    permissions: [
      { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], on: 'table' },
      { actions: ['s3:PutObject'], on: 'objects' }, // the presigned URL acts with this role's rights
    ],
    routes: [{ method: 'POST', path: '/receiver', authorized: true }],
  },
  {
    name: 'analyzer',
    description: 'SQS → variants and DetectLabels once per distinct image, reuse, moderation',
    // Decoding a 48 MP JPEG in JS peaks at ≈ 1.3 GB (docs/benchmarks.md); 2 GB also buys
    // more than one vCPU's worth of time slices (1,769 MB = one vCPU).
    memoryMb: 2048,
    timeoutSeconds: QUEUE_DEFINITION.analyzerTimeoutSeconds,
    env: [...keys(AnalyzerConfig), ...EVENTS_ENV],
    permissions: [
      { actions: ['dynamodb:BatchWriteItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'], on: 'table' },
      { actions: ['s3:GetObject'], on: 'objects' }, // HeadObject, the original's first bytes (a ranged GET needs nothing more) and the whole for the variants; Rekognition reads the object as this role
      { actions: ['s3:PutObject'], on: 'variants' }, // writes thumb and preview under variants/ only, never an original
      { actions: ['s3:ListBucket'], on: 'bucket' }, // so HeadObject of a deleted object is a 404, not a 403
      { actions: ['rekognition:DetectLabels'], on: 'any' }, // has no resource-level permissions
      ...EMITS_EVENTS,
      // Used by Lambda's event source mapping on the function's behalf, not by the handler.
      { actions: ['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'], on: 'queue', byService: true },
    ],
    routes: [],
  },
  {
    name: 'obtain',
    description: 'GET /obtain/{file_name}: 302 to a short-lived URL, owner only',
    memoryMb: 256,
    timeoutSeconds: 10,
    env: keys(ObtainConfig),
    permissions: [
      { actions: ['s3:GetObject'], on: 'objects' },
      { actions: ['s3:ListBucket'], on: 'bucket' },
    ],
    routes: [{ method: 'GET', path: '/obtain/{file_name}', authorized: true }],
  },
  {
    name: 'scan',
    description: 'GET /scan: the user’s images by post/trip/location and labels, on GSIs',
    memoryMb: 512,
    timeoutSeconds: 15,
    env: keys(ScanConfig).filter((k) => k !== 'PAGE_TOKEN_SECRET'),
    localOnlyEnv: ['PAGE_TOKEN_SECRET'],
    permissions: [
      { actions: ['dynamodb:Query'], on: 'tableIndexes' },
      { actions: ['dynamodb:BatchGetItem'], on: 'table' },
      { actions: ['secretsmanager:GetSecretValue'], on: 'pageTokenSecret' }, // its own page-token key, generated by the template
    ],
    routes: [{ method: 'GET', path: '/scan', authorized: true }],
  },
  {
    name: 'images',
    description: 'GET/DELETE /images/{file_name}: the owner’s record; delete object and records',
    memoryMb: 256,
    timeoutSeconds: 10,
    env: [...keys(ImagesConfig), ...EVENTS_ENV],
    permissions: [
      ...EMITS_EVENTS,
      { actions: ['dynamodb:BatchWriteItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'], on: 'table' }, // UpdateItem: the analysis forgets deleted variants
      { actions: ['s3:DeleteObject'], on: 'objects' },
    ],
    routes: [
      { method: 'GET', path: '/images/{file_name}', authorized: true },
      { method: 'DELETE', path: '/images/{file_name}', authorized: true },
    ],
  },
  {
    name: 'notifier',
    description: 'Webhook queue → signed POST to WebhookUrl (Standard Webhooks); retries with backoff, then the DLQ',
    memoryMb: 256,
    timeoutSeconds: WEBHOOK_QUEUE_DEFINITION.notifierTimeoutSeconds,
    env: keys(NotifierConfig),
    permissions: [
      { actions: ['secretsmanager:GetSecretValue'], on: 'webhookSecret' },
      { actions: ['sqs:ChangeMessageVisibility'], on: 'webhookQueue' }, // the backoff
      { actions: ['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'], on: 'webhookQueue', byService: true },
    ],
    routes: [],
    condition: 'HasWebhook',
  },
  {
    name: 'health',
    description: 'GET /health: unauthenticated liveness',
    memoryMb: 128,
    timeoutSeconds: 3,
    env: keys(HealthConfig),
    permissions: [],
    routes: [{ method: 'GET', path: '/health', authorized: false }],
  },
];
