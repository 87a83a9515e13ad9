import { randomBytes } from 'node:crypto';
import { chmod, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { documentClient } from '../adapters/aws-clients/dynamodb.js';
import { s3Client } from '../adapters/aws-clients/s3.js';
import { DynamoRecordStore } from '../adapters/dynamodb/record-store.js';
import { FixtureLabelDetector } from '../adapters/fixture-label-detector.js';
import { LocalLabelDetector, multiScaleSetting } from '../adapters/local-label-detector/index.js';
import type { LabelDetector } from '../ports/label-detector.js';
import { PermanentAnalysisError } from '../app/analysis-pipeline.js';
import type { Env } from '../config.js';
import { FUNCTIONS } from '../infra/functions.js';
import { QUEUE_DEFINITION } from '../infra/table.js';
import { ANALYZER_CONCURRENCY_DEFAULT } from '../infra/template.js';
import { createAnalyzer } from '../handlers/analyzer.js';
import { createAuthorizer } from '../handlers/authorizer.js';
import { serveDocs, serveOpenApi } from '../openapi/serve.js';
import { LOCAL_ACCOUNT_ID, LOCAL_HOST, LOCAL_REGION } from './constants.js';
import { chainFallbacks, localConsole } from './console.js';
import { startLocalDynamo } from './dynamodb/index.js';
import { startTtlSweeper } from './dynamodb/ttl-sweeper.js';
import { startGateway, type ProxyHandler } from './gateway/index.js';
import { routesFor } from './handlers.js';
import { s3TestEvent, startLocalS3 } from './s3/index.js';
import { queueDepth, redriveDeadLetters, startEventSourcePoller, startLocalQueues } from './sqs/index.js';
import { startLocalWebhooks, type LocalOutbox } from './webhooks/index.js';
import { NO_EVENTS } from '../ports/event-publisher.js';
import { createImagesHandler } from '../handlers/images.js';
import { DEFAULT_LOCAL_SECRET } from './token.js';
import { createAnalysisLog } from './analysis-log.js';
import { createTerminalLog, type TerminalLog } from './terminal-log.js';
import { requeueUnfinishedUploads } from './reconcile.js';

export const LOCAL_BUCKET = 'travellog-images-local';
export const LOCAL_TABLE = 'travellog-images-local';
export const LOCAL_QUEUE = 'travellog-images-uploads';

/** Handler settings a user may set on `npm start`; passed through to the functions as in AWS. */
const PASS_THROUGH = [
  'ALLOWED_ORIGINS',
  'JWT_ALGORITHMS',
  'JWT_USER_CLAIMS',
  'JWT_REQUIRE_EXP',
  'SIGNED_URL_WRITE_EXPIRATION',
  'SIGNED_URL_READ_EXPIRATION',
  'WAITING_RECORD_TTL_SECONDS',
  'MIN_CONFIDENCE',
  'CENSORED_LABEL',
  'CENSORED_REJECTED_THRESHOLD',
  'CENSORED_UNDER_REVIEW_THRESHOLD',
  'ANALYSIS_LEASE_SECONDS',
  'ANALYSIS_WAIT_SECONDS',
  'PAGE_TOKEN_SECRET',
  'LOG_LEVEL',
  'POWERTOOLS_LOG_LEVEL',
  'LOCAL_DETECTOR_TILES',
];

export interface StackOptions {
  port?: number;
  dataDir?: string;
  jwtSecret?: string;
  /** `local` (default: the embedded model), `fixture:<path>` or `rekognition`. */
  labelDetector?: string;
  /** Extra function settings (MIN_CONFIDENCE, ALLOWED_ORIGINS…), as env vars. */
  env?: Env;
  /** WEBHOOK_URL, WEBHOOK_SECRET, WEBHOOK_RETRY_SECONDS, WEBHOOK_TIMEOUT_MS (over the process's own); never given to a function. */
  webhooks?: Env;
  visibilityTimeoutSeconds?: number;
  maxReceiveCount?: number;
  /** Before polling, move every message of the uploads DLQ back to its queue (REDRIVE_DLQ=true npm start). */
  redriveDeadLetters?: boolean;
  authorizerCacheTtlSeconds?: number;
  ttlSweepIntervalMs?: number;
  /** Where the stack reports requests, analysis retries and errors (default: errors only, on stderr). */
  log?: TerminalLog;
  /** Batches the analyzer runs at once (default: the template's AnalyzerConcurrency). */
  analyzerConcurrency?: number;
}

export interface Stack {
  url: string;
  /** This boot's credentials: the S3, DynamoDB and SQS endpoints verify SigV4 signatures made with them. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  s3Endpoint: string;
  dynamoEndpoint: string;
  sqsEndpoint: string;
  /** WEBHOOK_URL when webhooks are on; their outbox (journal and DLQ under DATA_DIR/webhooks). */
  webhookUrl?: string;
  webhooks?: LocalOutbox;
  queueUrl: string;
  dlqUrl: string;
  /** At start-up: messages moved from the DLQ back to the queue (`redriveDeadLetters`), and those still in it. */
  deadLetters: { redriven: number; waiting: number };
  /** The data directory, absolute. */
  dataDir: string;
  /** The LABEL_DETECTOR setting in force (`local`, `fixture:<path>`, `rekognition`). */
  labelDetector: string;
  /** The embedded model's state (`warming`, `ready`, `failed`) with LABEL_DETECTOR=local. */
  detectorState?: () => string;
  /** Runs the TTL sweeper once, now. */
  sweepExpired(): Promise<number>;
  stop(): Promise<void>;
}

interface DetectorHealth {
  state: 'warming' | 'ready' | 'failed' | 'closed';
  lastError?: string;
}

/** A detector that could not be built: /health says why (503) and every analysis fails at once with that reason. */
const unavailableDetector = (reason: string): LabelDetector & DetectorHealth => ({
  state: 'failed',
  lastError: reason,
  detect: () => Promise.reject(new PermanentAnalysisError('detector_unavailable', `the label detector could not be built: ${reason}`)),
});

/** `fixture:<path>` is read now, so a missing or invalid file shows on /health instead of as silent retries. */
const fixtureDetector = async (spec: string, env: Env): Promise<LabelDetector & Partial<DetectorHealth>> => {
  try {
    return await FixtureLabelDetector.fromFile(spec.slice('fixture:'.length), s3Client(env));
  } catch (e) {
    return unavailableDetector(`${spec}: ${(e as Error).message}`.slice(0, 500));
  }
};

/** /health, plus the embedded model's state (`warming`: images wait for it, `ready`), or `failed` (503, with the reason) for any local detector. */
const withDetectorState =
  (health: ProxyHandler, detector: DetectorHealth | undefined): ProxyHandler =>
  async (event, context) => {
    const res = await health(event, context);
    if (!detector || res.statusCode !== 200) return res;
    const failed = detector.state === 'failed';
    const body = { ...JSON.parse(res.body), ...(failed ? { status: 'degraded' } : {}), label_detector: detector.state };
    return { ...res, statusCode: failed ? 503 : 200, body: JSON.stringify(failed ? { ...body, reason: detector.lastError } : body) };
  };

/** Starts every part on loopback; the same handlers as AWS, wired to local servers. */
export const startStack = async (o: StackOptions = {}): Promise<Stack> => {
  const dataDir = resolve(o.dataDir ?? '.data');
  // Everyone's originals and records live here: this user only.
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await chmod(dataDir, 0o700);
  await Promise.all(['s3', 'dynamodb', 'sqs', 'webhooks'].map((d) => mkdir(join(dataDir, d), { recursive: true, mode: 0o700 })));
  // New credentials on every boot, known only to this process: a local process cannot sign
  // requests to the S3, DynamoDB or SQS stand-ins (whose raw servers sit on private unix sockets).
  const credentials = { accessKeyId: `LOCAL${randomBytes(8).toString('hex').toUpperCase()}`, secretAccessKey: randomBytes(30).toString('base64url') };
  const common = { region: LOCAL_REGION, credentials };
  const log = o.log ?? createTerminalLog({ level: 'error' });
  const closers: (() => Promise<void>)[] = [];
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      for (const close of closers.reverse()) await close().catch((e) => log.error('stop', e));
    })());
  try {
    const dynamo = await startLocalDynamo({ ...common, path: join(dataDir, 'dynamodb'), host: LOCAL_HOST, tableName: LOCAL_TABLE });
    closers.push(dynamo.close);

    const maxReceiveCount = o.maxReceiveCount ?? QUEUE_DEFINITION.maxReceiveCount;
    const visibilityTimeoutSeconds = o.visibilityTimeoutSeconds ?? QUEUE_DEFINITION.visibilityTimeoutSeconds;
    const queues = await startLocalQueues({
      ...common,
      accountId: LOCAL_ACCOUNT_ID,
      dataDir: join(dataDir, 'sqs'),
      host: LOCAL_HOST,
      queue: {
        name: LOCAL_QUEUE,
        dlqName: `${LOCAL_QUEUE}-dlq`,
        visibilityTimeoutSeconds,
        maxReceiveCount,
        messageRetentionSeconds: QUEUE_DEFINITION.messageRetentionSeconds,
      },
    });
    closers.push(queues.close);
    const sqs = new SQSClient({ ...common, endpoint: queues.endpoint });
    closers.push(async () => sqs.destroy());
    const notify = async (body: object, delaySeconds = 0) => {
      await sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: JSON.stringify(body), DelaySeconds: delaySeconds }));
    };

    const s3 = await startLocalS3({
      ...common,
      dataDir: join(dataDir, 's3'),
      host: LOCAL_HOST,
      buckets: [LOCAL_BUCKET],
      onObjectCreated: (n) => notify(n),
    });
    closers.push(s3.close);
    await notify(s3TestEvent(LOCAL_BUCKET)); // S3 sends one when a queue is configured

    const env: Env = {
      ...Object.fromEntries(PASS_THROUGH.map((k) => [k, process.env[k]]).filter(([, v]) => v !== undefined)),
      ...o.env,
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      S3_FORCE_PATH_STYLE: 'true',
      IMAGES_BUCKET_NAME: LOCAL_BUCKET,
      IMAGES_TABLE_NAME: LOCAL_TABLE,
      JWT_SECRET: o.jwtSecret ?? DEFAULT_LOCAL_SECRET,
      LABEL_DETECTOR: o.labelDetector ?? 'local',
      ANALYZER_MAX_RECEIVE_COUNT: String(maxReceiveCount),
    };
    // Locally the page tokens' key derives from the JWT secret unless set: HKDF keeps the two keys apart.
    env.PAGE_TOKEN_SECRET ??= env.JWT_SECRET;

    // Webhooks (WEBHOOK_URL / WEBHOOK_SECRET): a stack-level setting like AWS's WebhookUrl parameter,
    // never passed to a function's environment. Closed after the poller (closers run in reverse).
    const webhookEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('WEBHOOK_')));
    const webhooks = await startLocalWebhooks({ ...webhookEnv, ...o.webhooks }, dataDir, { onError: (e) => log.error('webhooks', e) });
    if (webhooks) closers.push(() => webhooks.outbox.close());

    // The embedded model warms up while the rest starts; images that arrive meanwhile wait for it.
    const localDetector = env.LABEL_DETECTOR === 'local' ? LocalLabelDetector.start(env, { multiScale: multiScaleSetting(env) }) : undefined;
    if (localDetector) {
      closers.push(() => localDetector.close());
      const warming = Date.now();
      localDetector.ready().then(
        () => log.info(`label detector ready (embedded model loaded in ${((Date.now() - warming) / 1000).toFixed(1)} s)`),
        (e) => {
          if (localDetector.state !== 'closed') log.error('label detector failed to load; images wait and retry', e);
        },
      );
    }
    const analysisLog = createAnalysisLog(log, { maxReceiveCount, visibilityTimeoutSeconds });
    const detectorSpec = env.LABEL_DETECTOR ?? '';
    const detector = localDetector ?? (detectorSpec.startsWith('fixture:') ? await fixtureDetector(detectorSpec, env) : undefined);

    // Uploads acknowledged before a crash whose message was lost with the in-memory queue.
    await requeueUnfinishedUploads({
      s3: s3Client(env),
      bucket: LOCAL_BUCKET,
      region: LOCAL_REGION,
      accessKeyId: credentials.accessKeyId,
      records: new DynamoRecordStore(documentClient(env), LOCAL_TABLE),
      leaseSeconds: Number(env.ANALYSIS_LEASE_SECONDS ?? 60),
      notify: (n, delaySeconds) => notify(n, delaySeconds),
    });

    // Uploads that failed after every attempt wait in the DLQ; REDRIVE_DLQ=true sends them back first.
    const deadLetters = { redriven: o.redriveDeadLetters ? await redriveDeadLetters(sqs, queues.dlqUrl, queues.queueUrl) : 0, waiting: await queueDepth(sqs, queues.dlqUrl) };

    const poller = startEventSourcePoller({
      client: sqs,
      queueUrl: queues.queueUrl,
      queueArn: queues.queueArn,
      region: LOCAL_REGION,
      batchSize: QUEUE_DEFINITION.batchSize,
      maximumBatchingWindowSeconds: 0,
      visibilityTimeoutSeconds,
      reportBatchItemFailures: true,
      concurrency: o.analyzerConcurrency ?? ANALYZER_CONCURRENCY_DEFAULT, // like Lambda's reserved concurrency
      handler: createAnalyzer(env, { ...(detector ? { detector } : {}), onRecordError: analysisLog.onRecordError, events: webhooks?.outbox ?? NO_EVENTS }),
      onError: (e) => log.error('analyzer invocation failed', e),
      onMessageFailed: analysisLog.onMessageFailed,
    });
    closers.push(poller.stop);

    const sweeper = startTtlSweeper({
      ...common,
      endpoint: dynamo.endpoint,
      tableName: LOCAL_TABLE,
      intervalMs: o.ttlSweepIntervalMs ?? 60_000,
      onError: (e) => log.error('ttl sweeper', e),
    });
    closers.push(sweeper.stop);

    const allowedOrigins = (env.ALLOWED_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const gateway = await startGateway({
      host: LOCAL_HOST,
      port: o.port ?? 3000,
      stage: 'local',
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      apiId: 'local',
      authorizer: createAuthorizer(env),
      authorizerCacheTtlSeconds: o.authorizerCacheTtlSeconds ?? 300,
      allowedOrigins,
      // GET /openapi.json and /docs (public): the API's OpenAPI 3.1 document and its reference page; then the web console at / (src/local/console.ts)
      fallback: chainFallbacks(serveOpenApi, serveDocs, localConsole(env)),
      onResponse: log.request,
      // The routes src/infra/functions.ts declares (as the template does), each to its function's handler.
      routes: routesFor(FUNCTIONS, env, { health: (h) => withDetectorState(h, detector?.state ? (detector as DetectorHealth) : undefined) }, { images: (e) => createImagesHandler(e, { events: webhooks?.outbox ?? NO_EVENTS }) }),
    });
    closers.push(gateway.close);

    return {
      url: gateway.url,
      credentials,
      s3Endpoint: s3.endpoint,
      dynamoEndpoint: dynamo.endpoint,
      sqsEndpoint: queues.endpoint,
      webhookUrl: webhooks?.url,
      webhooks: webhooks?.outbox,
      queueUrl: queues.queueUrl,
      dlqUrl: queues.dlqUrl,
      deadLetters,
      dataDir,
      labelDetector: env.LABEL_DETECTOR ?? 'local',
      ...(localDetector ? { detectorState: () => localDetector.state } : {}),
      sweepExpired: sweeper.sweep,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
};
