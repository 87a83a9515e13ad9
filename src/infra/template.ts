// Over 300 lines: the CloudFormation resources of storage, queues, functions and alarms in one generator (the API's part is ./template-api.ts); each resource reads the shared definitions.
import { functionId, getAtt, ifCond, join, noValue, ref, sub, type Json, type Obj } from './cfn.js';
import { FUNCTIONS, type FunctionSpec, type Scope } from './functions.js';
import { QUEUE_DEFINITION, TABLE_DEFINITION } from './table.js';
import { apiTemplate } from './template-api.js';
import { WEBHOOK_CONDITIONS, WEBHOOK_ENV_SOURCES, WEBHOOK_OUTPUTS, WEBHOOK_PARAMETERS, WEBHOOK_RULES, webhookResources, webhookScopeArn } from './template-webhooks.js';

export { functionId };
import { METRICS_NAMESPACE, SERVICE_NAME } from '../handlers/observability.js';

/**
 * The whole backend as one CloudFormation template, built from the same
 * definitions the local stack uses (table, queue, gateway responses, function
 * environments) with each function's bundled code inlined. The REST API part
 * is in template-api.ts.
 */

/** First 8 hex characters of the stack id: lower case, unique, known before the bucket exists. */
const stackSuffix: Obj = { 'Fn::Select': [0, { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', ref('AWS::StackId')] }] }] }] };
const BUCKET_NAME = 'travellog-images-${AWS::AccountId}-${Suffix}';

/** AnalyzerConcurrency's default (the event source's MaximumConcurrency); the local poller runs as many batches at once. */
export const ANALYZER_CONCURRENCY_DEFAULT = 5;

const PARAMETERS: Obj = {
  JwtSecret: {
    Type: 'String',
    NoEcho: true,
    MinLength: 16,
    Description: 'The secret the backend-server signs its JWTs with (HS256). At least 16 characters.',
  },
  AllowedOrigins: {
    Type: 'CommaDelimitedList',
    Default: '',
    Description: 'Front-end origins allowed by CORS, comma-separated (e.g. https://travellog.example). Empty: none.',
  },
  JwtUserClaims: { Type: 'String', Default: 'user_id,sub', Description: 'Claims holding the user id, first present wins.' },
  JwtRequireExp: {
    Type: 'String',
    Default: 'true',
    AllowedValues: ['true', 'false'],
    Description: 'Refuse tokens without an exp claim. false only if the backend-server mints tokens without exp: such a token is valid until the secret changes.',
  },
  JwtAlgorithms: { Type: 'String', Default: 'HS256', AllowedPattern: '^(HS256|HS384|HS512)(,(HS256|HS384|HS512))*$' },
  MinConfidence: { Type: 'Number', Default: 75, MinValue: 0, MaxValue: 100, Description: 'Labels stored and searchable from this confidence.' },
  CensoredLabel: { Type: 'String', Default: 'cat', MinLength: 1 },
  CensoredRejectedThreshold: { Type: 'Number', Default: 90, MinValue: 0, MaxValue: 100 },
  CensoredUnderReviewThreshold: { Type: 'Number', Default: 50, MinValue: 0, MaxValue: 100 },
  SignedUrlWriteExpiration: { Type: 'Number', Default: 60, MinValue: 1, MaxValue: 604800, Description: 'Upload URL lifetime (s).' },
  SignedUrlReadExpiration: { Type: 'Number', Default: 30, MinValue: 1, MaxValue: 604800, Description: 'Obtain URL lifetime (s).' },
  WaitingRecordTtlSeconds: { Type: 'Number', Default: 86400, MinValue: 60, MaxValue: 604800, Description: 'A registration whose upload never arrives expires after this.' },
  AuthorizerCacheTtl: { Type: 'Number', Default: 300, MinValue: 0, MaxValue: 3600, Description: 'Authorizer results cached per token (s).' },
  AnalyzerConcurrency: {
    Type: 'Number',
    Default: ANALYZER_CONCURRENCY_DEFAULT,
    MinValue: 2, // the event source mapping's MaximumConcurrency accepts 2–1000
    MaxValue: 1000,
    Description: 'Most analyzer instances the SQS event source runs at once (MaximumConcurrency): caps Rekognition calls in flight.',
  },
  AnalyzerReservedConcurrency: {
    Type: 'Number',
    Default: 0,
    MinValue: 0,
    MaxValue: 1000,
    Description: 'Reserved concurrency for the analyzer; 0 = none (a new account, limited to 10, cannot reserve any). If set, make it at least AnalyzerConcurrency.',
  },
  AlarmEmail: {
    Type: 'String',
    Default: '',
    AllowedPattern: '^$|^[^@\\s]+@[^@\\s]+$',
    Description: 'An e-mail address to notify when an alarm fires (it must confirm the subscription); empty = no notifications.',
  },
  ApiGatewayAccountRole: {
    Type: 'String',
    Default: 'create',
    AllowedValues: ['create', 'existing'],
    Description: "create: set this account and region's API Gateway CloudWatch role (needed for access logs; replaces any existing setting). existing: the account already has one.",
  },
  ThrottleRateLimit: { Type: 'Number', Default: 50, MinValue: 1 },
  ThrottleBurstLimit: { Type: 'Number', Default: 100, MinValue: 1 },
  LogRetentionDays: {
    Type: 'Number',
    Default: 30,
    AllowedValues: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653],
  },
  StageName: { Type: 'String', Default: 'v1', AllowedPattern: '^[A-Za-z0-9_]{1,64}$' },
  ...WEBHOOK_PARAMETERS,
};

/** Where each function's environment variable comes from in AWS. */
const ENV_SOURCES: Record<string, Json> = {
  IMAGES_BUCKET_NAME: ref('ImagesBucket'),
  IMAGES_TABLE_NAME: ref('ImagesTable'),
  ALLOWED_ORIGINS: join(',', ref('AllowedOrigins')),
  JWT_SECRET_ARN: ref('JwtSigningSecret'),
  PAGE_TOKEN_SECRET_ARN: ref('PageTokenSecret'),
  JWT_ALGORITHMS: ref('JwtAlgorithms'),
  JWT_USER_CLAIMS: ref('JwtUserClaims'),
  JWT_REQUIRE_EXP: ref('JwtRequireExp'),
  SIGNED_URL_WRITE_EXPIRATION: ref('SignedUrlWriteExpiration'),
  SIGNED_URL_READ_EXPIRATION: ref('SignedUrlReadExpiration'),
  WAITING_RECORD_TTL_SECONDS: ref('WaitingRecordTtlSeconds'),
  MIN_CONFIDENCE: ref('MinConfidence'),
  CENSORED_LABEL: ref('CensoredLabel'),
  CENSORED_REJECTED_THRESHOLD: ref('CensoredRejectedThreshold'),
  CENSORED_UNDER_REVIEW_THRESHOLD: ref('CensoredUnderReviewThreshold'),
  LABEL_DETECTOR: 'rekognition',
  ANALYZER_MAX_RECEIVE_COUNT: String(QUEUE_DEFINITION.maxReceiveCount),
  ANALYSIS_LEASE_SECONDS: String(QUEUE_DEFINITION.analyzerTimeoutSeconds * 2),
  ANALYSIS_WAIT_SECONDS: '5',
  ...WEBHOOK_ENV_SOURCES,
};

const scopeArn = (scope: Scope): Json => {
  switch (scope) {
    case 'table':
      return getAtt('ImagesTable', 'Arn');
    case 'tableIndexes':
      return sub('${ImagesTable.Arn}/index/*');
    case 'bucket':
      return getAtt('ImagesBucket', 'Arn');
    case 'objects':
      return sub('${ImagesBucket.Arn}/*');
    case 'variants':
      return sub('${ImagesBucket.Arn}/variants/*');
    case 'queue':
      return getAtt('UploadsQueue', 'Arn');
    case 'jwtSecret':
      return ref('JwtSigningSecret'); // a secret's Ref is its full ARN
    case 'pageTokenSecret':
      return ref('PageTokenSecret');
    case 'defaultEventBus':
    case 'webhookQueue':
    case 'webhookSecret':
      return webhookScopeArn(scope);
    case 'any':
      return '*';
  }
};

const functionResources = (f: FunctionSpec, code: string): Obj => {
  const id = functionId(f.name);
  const env: Obj = {};
  for (const key of f.env) {
    let source = ENV_SOURCES[key];
    if (source === undefined) throw new Error(`no template source for ${f.name}'s ${key}`);
    // A function that exists only under a condition takes that condition's branch.
    const branches = (source as Obj)['Fn::If'] as Json[] | undefined;
    if (f.condition && branches?.[0] === f.condition) source = branches[1]!;
    env[key] = source;
  }
  const statements: Json[] = [
    {
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: getAtt(`${id}LogGroup`, 'Arn'),
    },
    ...f.permissions.map((p) => {
      const statement = { Effect: 'Allow', Action: p.actions, Resource: scopeArn(p.on) };
      return p.when ? ifCond(p.when, statement, noValue) : statement;
    }),
  ];
  const condition: Obj = f.condition ? { Condition: f.condition } : {};
  return {
    [`${id}LogGroup`]: {
      Type: 'AWS::Logs::LogGroup',
      ...condition,
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
      Properties: { RetentionInDays: ref('LogRetentionDays') },
    },
    [`${id}Role`]: {
      Type: 'AWS::IAM::Role',
      ...condition,
      Properties: {
        Description: `Least privilege for the ${f.name} function`,
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        },
        Policies: [{ PolicyName: `${f.name}-least-privilege`, PolicyDocument: { Version: '2012-10-17', Statement: statements } }],
      },
    },
    [id]: {
      Type: 'AWS::Lambda::Function',
      ...condition,
      Properties: {
        Description: f.description,
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: f.memoryMb,
        Timeout: f.timeoutSeconds,
        Role: getAtt(`${id}Role`, 'Arn'),
        LoggingConfig: { LogGroup: ref(`${id}LogGroup`), LogFormat: 'JSON' },
        ...(f.name === 'analyzer' ? { ReservedConcurrentExecutions: ifCond('HasAnalyzerReservedConcurrency', ref('AnalyzerReservedConcurrency'), noValue) } : {}),
        Environment: {
          Variables: { ...env, POWERTOOLS_SERVICE_NAME: SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE },
        },
        Code: { ZipFile: code },
      },
    },
  };
};

/** What each alarm watches; all notify the AlarmEmail topic when one is given. */
const ALARMS: { id: string; description: string; namespace: string; metric: string; dimension: [string, Json]; statistic: string }[] = [
  {
    id: 'DeadLettersAlarm',
    description: 'Uploads could not be analysed: messages in the dead-letter queue',
    namespace: 'AWS/SQS',
    metric: 'ApproximateNumberOfMessagesVisible',
    dimension: ['QueueName', getAtt('UploadsDeadLetterQueue', 'QueueName')],
    statistic: 'Maximum',
  },
  {
    id: 'AnalyzerErrorsAlarm',
    description: 'The analyzer function is failing',
    namespace: 'AWS/Lambda',
    metric: 'Errors',
    dimension: ['FunctionName', ref(functionId('analyzer'))],
    statistic: 'Sum',
  },
  {
    id: 'EventsNotPublishedAlarm',
    description: 'Completion events (image.analysed, image.deleted) could not be published after retries: webhooks and EventBridge consumers missed them (the events are in the logs)',
    namespace: METRICS_NAMESPACE,
    metric: 'EventsNotPublished',
    dimension: ['service', SERVICE_NAME], // Powertools Metrics' default dimension
    statistic: 'Sum',
  },
  {
    id: 'AuthorizerErrorsAlarm',
    description: 'The authorizer is failing (e.g. it cannot read the JWT secret): every request gets a 500',
    namespace: 'AWS/Lambda',
    metric: 'Errors',
    dimension: ['FunctionName', ref(functionId('authorizer'))],
    statistic: 'Sum',
  },
];

const alarms = (): Obj => ({
  AlarmTopic: {
    Type: 'AWS::SNS::Topic',
    Condition: 'HasAlarmEmail',
    Properties: {
      DisplayName: sub('${AWS::StackName} alarms'),
      KmsMasterKeyId: 'alias/aws/sns',
      Subscription: [{ Protocol: 'email', Endpoint: ref('AlarmEmail') }],
    },
  },
  ...Object.fromEntries(
    ALARMS.map((a) => [
      a.id,
      {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmDescription: a.description,
          Namespace: a.namespace,
          MetricName: a.metric,
          Dimensions: [{ Name: a.dimension[0], Value: a.dimension[1] }],
          Statistic: a.statistic,
          Period: 300,
          EvaluationPeriods: 1,
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          TreatMissingData: 'notBreaching',
          AlarmActions: ifCond('HasAlarmEmail', [ref('AlarmTopic')], noValue),
        },
      },
    ]),
  ),
});

export const buildTemplate = (code: Record<FunctionSpec['name'], string>): Obj => {
  const { KeySchema, AttributeDefinitions, GlobalSecondaryIndexes, BillingMode, TimeToLiveAttribute } = TABLE_DEFINITION;
  const functions: Obj = Object.assign({}, ...FUNCTIONS.map((f) => functionResources(f, code[f.name])));

  const resources: Obj = {
    ImagesTable: {
      Type: 'AWS::DynamoDB::Table',
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BillingMode,
        KeySchema: KeySchema as unknown as Json,
        AttributeDefinitions: AttributeDefinitions as unknown as Json,
        GlobalSecondaryIndexes: GlobalSecondaryIndexes as unknown as Json,
        TimeToLiveSpecification: { AttributeName: TimeToLiveAttribute, Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      },
    },
    UploadsDeadLetterQueue: {
      Type: 'AWS::SQS::Queue',
      Properties: { SqsManagedSseEnabled: true, MessageRetentionPeriod: QUEUE_DEFINITION.dlqRetentionSeconds },
    },
    UploadsQueue: {
      Type: 'AWS::SQS::Queue',
      Properties: {
        SqsManagedSseEnabled: true,
        VisibilityTimeout: QUEUE_DEFINITION.visibilityTimeoutSeconds,
        MessageRetentionPeriod: QUEUE_DEFINITION.messageRetentionSeconds,
        RedrivePolicy: { deadLetterTargetArn: getAtt('UploadsDeadLetterQueue', 'Arn'), maxReceiveCount: QUEUE_DEFINITION.maxReceiveCount },
      },
    },
    UploadsQueuePolicy: {
      Type: 'AWS::SQS::QueuePolicy',
      Properties: {
        Queues: [ref('UploadsQueue')],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'S3NotificationsFromThisStacksBucketOnly',
              Effect: 'Allow',
              Principal: { Service: 's3.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Resource: getAtt('UploadsQueue', 'Arn'),
              Condition: {
                // The bucket's name is derived from the stack id, so its ARN is known
                // here without a reference to the bucket (no circular dependency).
                ArnEquals: { 'aws:SourceArn': sub(`arn:\${AWS::Partition}:s3:::${BUCKET_NAME}`, { Suffix: stackSuffix }) },
                StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') },
              },
            },
          ],
        },
      },
    },
    ImagesBucket: {
      Type: 'AWS::S3::Bucket',
      DependsOn: 'UploadsQueuePolicy', // S3 checks it may send before accepting the configuration
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BucketName: sub(BUCKET_NAME, { Suffix: stackSuffix }),
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: true }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LifecycleConfiguration: { Rules: [{ Id: 'abort-incomplete-uploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }] },
        CorsConfiguration: ifCond(
          'HasAllowedOrigins',
          {
            CorsRules: [
              {
                AllowedOrigins: ref('AllowedOrigins'),
                AllowedMethods: ['GET', 'HEAD', 'PUT'],
                AllowedHeaders: ['content-type', 'x-amz-checksum-sha256'],
                ExposedHeaders: ['ETag'],
                MaxAge: 600,
              },
            ],
          },
          noValue,
        ),
        NotificationConfiguration: { QueueConfigurations: [{ Event: 's3:ObjectCreated:*', Queue: getAtt('UploadsQueue', 'Arn') }] },
      },
    },
    ImagesBucketPolicy: {
      Type: 'AWS::S3::BucketPolicy',
      Properties: {
        Bucket: ref('ImagesBucket'),
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'TlsOnly',
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:*',
              Resource: [getAtt('ImagesBucket', 'Arn'), sub('${ImagesBucket.Arn}/*')],
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        },
      },
    },
    JwtSigningSecret: {
      Type: 'AWS::SecretsManager::Secret',
      Properties: {
        Description: 'The backend-server JWT signing secret, read by the authorizer (never in its configuration)',
        SecretString: ref('JwtSecret'),
      },
    },
    PageTokenSecret: {
      Type: 'AWS::SecretsManager::Secret',
      Properties: {
        Description: "Keys GET /scan's next_token (HMAC, HKDF-derived); generated here, read only by the scan function. Rotating it invalidates open page tokens (400 invalid_next_token: the client starts over).",
        GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
      },
    },
    ...functions,
    AnalyzerEventSource: {
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: {
        EventSourceArn: getAtt('UploadsQueue', 'Arn'),
        FunctionName: ref(functionId('analyzer')),
        BatchSize: QUEUE_DEFINITION.batchSize,
        MaximumBatchingWindowInSeconds: QUEUE_DEFINITION.maximumBatchingWindowSeconds,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        // The cap on analyzers (and Rekognition calls) in flight, without reserving account concurrency.
        ScalingConfig: { MaximumConcurrency: ref('AnalyzerConcurrency') },
      },
    },
    ...apiTemplate(),
    ...alarms(),
    ...webhookResources(),
  };

  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description:
      'TravelLog backend-serverless: API Gateway + Lambda (TypeScript, nodejs22.x) + S3 + SQS + DynamoDB + Rekognition. Generated by `npm run template`; do not edit.',
    Parameters: PARAMETERS,
    Conditions: {
      HasAllowedOrigins: { 'Fn::Not': [{ 'Fn::Equals': [join('', ref('AllowedOrigins')), ''] }] },
      HasAnalyzerReservedConcurrency: { 'Fn::Not': [{ 'Fn::Equals': [ref('AnalyzerReservedConcurrency'), 0] }] },
      HasAlarmEmail: { 'Fn::Not': [{ 'Fn::Equals': [ref('AlarmEmail'), ''] }] },
      CreateApiGatewayAccount: { 'Fn::Equals': [ref('ApiGatewayAccountRole'), 'create'] },
      ...WEBHOOK_CONDITIONS,
    },
    Rules: WEBHOOK_RULES,
    Resources: resources,
    Outputs: {
      ApiUrl: { Description: 'Base URL the backend-server and front end call', Value: sub('https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${ApiStage}') },
      BucketName: { Value: ref('ImagesBucket') },
      TableName: { Value: ref('ImagesTable') },
      QueueUrl: { Value: ref('UploadsQueue') },
      DeadLetterQueueUrl: { Value: ref('UploadsDeadLetterQueue') },
      DeadLetterQueueArn: {
        Description: 'Uploads that failed after every attempt; after fixing the cause: aws sqs start-message-move-task --source-arn <this> (back to the uploads queue)',
        Value: getAtt('UploadsDeadLetterQueue', 'Arn'),
      },
      JwtSecretArn: { Description: 'The Secrets Manager secret holding the JWT secret (rotate it here; the authorizer re-reads it within 5 minutes)', Value: ref('JwtSigningSecret') },
      AccessLogGroup: { Description: 'API access log (JSON, one line per request)', Value: ref('ApiAccessLogGroup') },
      ...WEBHOOK_OUTPUTS,
    },
  };
};
