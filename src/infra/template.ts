import { createHash } from 'node:crypto';
import { FUNCTIONS, type FunctionSpec, type Scope } from './functions.js';
import { GATEWAY_RESPONSES } from './gateway-responses.js';
import { QUEUE_DEFINITION, TABLE_DEFINITION } from './table.js';

/**
 * The whole backend as one CloudFormation template, built from the same
 * definitions the local stack uses (table, queue, gateway responses, function
 * environments) with each function's bundled code inlined.
 */
type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const ref = (name: string): Obj => ({ Ref: name });
const getAtt = (resource: string, attribute: string): Obj => ({ 'Fn::GetAtt': [resource, attribute] });
const sub = (text: string, vars?: Obj): Obj => ({ 'Fn::Sub': vars ? [text, vars] : text });
const join = (sep: string, items: Json): Obj => ({ 'Fn::Join': [sep, items] });
const ifCond = (cond: string, yes: Json, no: Json): Obj => ({ 'Fn::If': [cond, yes, no] });
const noValue = ref('AWS::NoValue');

const pascal = (s: string) => s.replace(/(^|[-_/{}]+)([a-z0-9])/gi, (_, __, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '');
export const functionId = (name: FunctionSpec['name']) => `${pascal(name)}Function`;

/** First 8 hex characters of the stack id: lower case, unique, known before the bucket exists. */
const stackSuffix: Obj = { 'Fn::Select': [0, { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', ref('AWS::StackId')] }] }] }] };
const BUCKET_NAME = 'travellog-images-${AWS::AccountId}-${Suffix}';

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
  JwtAlgorithms: { Type: 'String', Default: 'HS256', AllowedPattern: '^(HS256|HS384|HS512)(,(HS256|HS384|HS512))*$' },
  MinConfidence: { Type: 'Number', Default: 75, MinValue: 0, MaxValue: 100, Description: 'Labels stored and searchable from this confidence.' },
  CensoredLabel: { Type: 'String', Default: 'cat', MinLength: 1 },
  CensoredRejectedThreshold: { Type: 'Number', Default: 90, MinValue: 0, MaxValue: 100 },
  CensoredUnderReviewThreshold: { Type: 'Number', Default: 50, MinValue: 0, MaxValue: 100 },
  SignedUrlWriteExpiration: { Type: 'Number', Default: 60, MinValue: 1, MaxValue: 604800, Description: 'Upload URL lifetime (s).' },
  SignedUrlReadExpiration: { Type: 'Number', Default: 30, MinValue: 1, MaxValue: 604800, Description: 'Obtain URL lifetime (s).' },
  WaitingRecordTtlSeconds: { Type: 'Number', Default: 86400, MinValue: 60, MaxValue: 604800, Description: 'A registration whose upload never arrives expires after this.' },
  AuthorizerCacheTtl: { Type: 'Number', Default: 300, MinValue: 0, MaxValue: 3600, Description: 'Authorizer results cached per token (s).' },
  AnalyzerConcurrency: { Type: 'Number', Default: 5, MinValue: 2, MaxValue: 100, Description: 'Reserved concurrency of the analyzer: caps Rekognition calls in flight.' },
  ThrottleRateLimit: { Type: 'Number', Default: 50, MinValue: 1 },
  ThrottleBurstLimit: { Type: 'Number', Default: 100, MinValue: 1 },
  LogRetentionDays: {
    Type: 'Number',
    Default: 30,
    AllowedValues: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653],
  },
  StageName: { Type: 'String', Default: 'v1', AllowedPattern: '^[A-Za-z0-9_]{1,64}$' },
};

/** Where each function's environment variable comes from in AWS. */
const ENV_SOURCES: Record<string, Json> = {
  IMAGES_BUCKET_NAME: ref('ImagesBucket'),
  IMAGES_TABLE_NAME: ref('ImagesTable'),
  ALLOWED_ORIGINS: join(',', ref('AllowedOrigins')),
  JWT_SECRET: ref('JwtSecret'),
  JWT_ALGORITHMS: ref('JwtAlgorithms'),
  JWT_USER_CLAIMS: ref('JwtUserClaims'),
  JWT_REQUIRE_EXP: 'true',
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
    case 'queue':
      return getAtt('UploadsQueue', 'Arn');
    case 'any':
      return '*';
  }
};

const functionResources = (f: FunctionSpec, code: string): Obj => {
  const id = functionId(f.name);
  const env: Obj = {};
  for (const key of f.env) {
    const source = ENV_SOURCES[key];
    if (source === undefined) throw new Error(`no template source for ${f.name}'s ${key}`);
    env[key] = source;
  }
  const statements: Json[] = [
    {
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: getAtt(`${id}LogGroup`, 'Arn'),
    },
    ...f.permissions.map((p) => ({ Effect: 'Allow', Action: p.actions, Resource: scopeArn(p.on) })),
  ];
  return {
    [`${id}LogGroup`]: {
      Type: 'AWS::Logs::LogGroup',
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
      Properties: { RetentionInDays: ref('LogRetentionDays') },
    },
    [`${id}Role`]: {
      Type: 'AWS::IAM::Role',
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
      Properties: {
        Description: f.description,
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: f.memoryMb,
        Timeout: f.timeoutSeconds,
        Role: getAtt(`${id}Role`, 'Arn'),
        LoggingConfig: { LogGroup: ref(`${id}LogGroup`), LogFormat: 'JSON' },
        ...(f.name === 'analyzer' ? { ReservedConcurrentExecutions: ref('AnalyzerConcurrency') } : {}),
        Environment: {
          Variables: { ...env, POWERTOOLS_SERVICE_NAME: 'travellog-images', POWERTOOLS_METRICS_NAMESPACE: 'TravelLog' },
        },
        Code: { ZipFile: code },
      },
    },
  };
};

/** One API Gateway resource per path segment: /obtain, /obtain/{file_name}… */
const apiResources = () => {
  const resources: Obj = {};
  const idOf = (path: string) => (path === '/' ? null : `Api${pascal(path)}Resource`);
  const paths = new Set<string>();
  for (const f of FUNCTIONS) for (const r of f.routes) {
    const parts = r.path.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) paths.add(`/${parts.slice(0, i).join('/')}`);
  }
  for (const path of [...paths].sort()) {
    const parent = path.slice(0, path.lastIndexOf('/')) || '/';
    const parentId = idOf(parent);
    resources[idOf(path)!] = {
      Type: 'AWS::ApiGateway::Resource',
      Properties: {
        RestApiId: ref('Api'),
        ParentId: parentId ? ref(parentId) : getAtt('Api', 'RootResourceId'),
        PathPart: path.slice(path.lastIndexOf('/') + 1),
      },
    };
  }
  return { resources, idOf };
};

const proxyIntegration = (fnId: string): Obj => ({
  Type: 'AWS_PROXY',
  IntegrationHttpMethod: 'POST',
  Uri: sub(`arn:\${AWS::Partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${${fnId}.Arn}/invocations`),
});

const methods = (idOf: (path: string) => string | null) => {
  const out: Obj = {};
  const preflight = new Map<string, string>();
  for (const f of FUNCTIONS) {
    for (const r of f.routes) {
      const resourceId = idOf(r.path)!;
      out[`${resourceId.replace(/Resource$/, '')}${pascal(r.method.toLowerCase())}Method`] = {
        Type: 'AWS::ApiGateway::Method',
        Properties: {
          RestApiId: ref('Api'),
          ResourceId: ref(resourceId),
          HttpMethod: r.method,
          AuthorizationType: r.authorized ? 'CUSTOM' : 'NONE',
          ...(r.authorized ? { AuthorizerId: ref('ApiAuthorizer') } : {}),
          Integration: proxyIntegration(functionId(f.name)),
        },
      };
      preflight.set(resourceId, functionId(f.name));
    }
  }
  // Browsers send preflight without Authorization: OPTIONS skips the authorizer
  // and goes to the resource's own function, which knows ALLOWED_ORIGINS.
  for (const [resourceId, fnId] of preflight) {
    out[`${resourceId.replace(/Resource$/, '')}OptionsMethod`] = {
      Type: 'AWS::ApiGateway::Method',
      Properties: { RestApiId: ref('Api'), ResourceId: ref(resourceId), HttpMethod: 'OPTIONS', AuthorizationType: 'NONE', Integration: proxyIntegration(fnId) },
    };
  }
  return out;
};

const MESSAGE_STRING = '$context.error.messageString';

const gatewayResponses = (): Obj => {
  // Gateway responses cannot pick the Origin per request: they allow the first
  // configured origin (functions' own responses echo any allowed origin).
  const corsOrigin = ifCond('HasAllowedOrigins', sub("'${Origin}'", { Origin: { 'Fn::Select': [0, ref('AllowedOrigins')] } }), noValue);
  const headers = {
    'gatewayresponse.header.Access-Control-Allow-Origin': corsOrigin,
    'gatewayresponse.header.Vary': "'Origin'",
  };
  // $context.error.messageString is already a quoted JSON string.
  const body = (error: string, message: string) => ({
    'application/json': `{"error":${JSON.stringify(error)},"message":${message === MESSAGE_STRING ? message : JSON.stringify(message)}}`,
  });
  const all: Record<string, { status: number; error: string; message: string }> = {
    ...Object.fromEntries(
      Object.entries(GATEWAY_RESPONSES).map(([type, r]) => [
        type,
        { status: r.status, error: r.error, message: 'message' in r ? r.message : MESSAGE_STRING },
      ]),
    ),
    THROTTLED: { status: 429, error: 'too_many_requests', message: 'Too many requests' },
    DEFAULT_4XX: { status: 400, error: 'bad_request', message: MESSAGE_STRING },
    DEFAULT_5XX: { status: 500, error: 'internal_error', message: 'Internal server error' },
  };
  all.MISSING_AUTHENTICATION_TOKEN = { status: 404, error: 'not_found', message: 'No route for $context.httpMethod $context.path' };
  const out: Obj = {};
  for (const [type, r] of Object.entries(all)) {
    out[`Api${pascal(type.toLowerCase())}Response`] = {
      Type: 'AWS::ApiGateway::GatewayResponse',
      Properties: {
        RestApiId: ref('Api'),
        ResponseType: type,
        ...(type.startsWith('DEFAULT_') ? {} : { StatusCode: String(r.status) }),
        ResponseParameters: headers,
        ResponseTemplates: body(r.error, r.message),
      },
    };
  }
  return out;
};

export const buildTemplate = (code: Record<FunctionSpec['name'], string>): Obj => {
  const { resources: apiPathResources, idOf } = apiResources();
  const apiMethods = methods(idOf);
  const responses = gatewayResponses();
  // A new deployment whenever the API's shape changes (CloudFormation never redeploys on its own).
  const apiHash = createHash('sha256').update(JSON.stringify({ apiPathResources, apiMethods, responses })).digest('hex').slice(0, 10);
  const deploymentId = `ApiDeployment${apiHash}`;

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
    ...functions,
    AnalyzerEventSource: {
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: {
        EventSourceArn: getAtt('UploadsQueue', 'Arn'),
        FunctionName: ref(functionId('analyzer')),
        BatchSize: QUEUE_DEFINITION.batchSize,
        MaximumBatchingWindowInSeconds: QUEUE_DEFINITION.maximumBatchingWindowSeconds,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        // Never poll more than the reserved concurrency can take (throttled batches burn receive counts).
        ScalingConfig: { MaximumConcurrency: ref('AnalyzerConcurrency') },
      },
    },
    Api: {
      Type: 'AWS::ApiGateway::RestApi',
      Properties: {
        Name: sub('${AWS::StackName}-api'),
        Description: 'TravelLog backend-serverless',
        EndpointConfiguration: { Types: ['REGIONAL'] },
        MinimumCompressionSize: 1024,
      },
    },
    ApiAuthorizer: {
      Type: 'AWS::ApiGateway::Authorizer',
      Properties: {
        RestApiId: ref('Api'),
        Name: 'jwt',
        Type: 'TOKEN',
        IdentitySource: 'method.request.header.Authorization',
        AuthorizerResultTtlInSeconds: ref('AuthorizerCacheTtl'),
        AuthorizerUri: sub(`arn:\${AWS::Partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${${functionId('authorizer')}.Arn}/invocations`),
      },
    },
    ...apiPathResources,
    ...apiMethods,
    ...responses,
    [deploymentId]: {
      Type: 'AWS::ApiGateway::Deployment',
      DependsOn: [...Object.keys(apiMethods), ...Object.keys(responses)],
      Properties: { RestApiId: ref('Api'), Description: `API shape ${apiHash}` },
    },
    ApiStage: {
      Type: 'AWS::ApiGateway::Stage',
      Properties: {
        RestApiId: ref('Api'),
        DeploymentId: ref(deploymentId),
        StageName: ref('StageName'),
        MethodSettings: [
          { ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: ref('ThrottleRateLimit'), ThrottlingBurstLimit: ref('ThrottleBurstLimit'), MetricsEnabled: true },
        ],
      },
    },
    ...Object.fromEntries(
      FUNCTIONS.filter((f) => f.routes.length || f.name === 'authorizer').map((f) => [
        `${functionId(f.name)}ApiPermission`,
        {
          Type: 'AWS::Lambda::Permission',
          Properties: {
            Action: 'lambda:InvokeFunction',
            FunctionName: getAtt(functionId(f.name), 'Arn'),
            Principal: 'apigateway.amazonaws.com',
            SourceArn: sub(f.name === 'authorizer' ? 'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/authorizers/${ApiAuthorizer}' : 'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*'),
          },
        },
      ]),
    ),
    DeadLettersAlarm: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmDescription: 'Uploads could not be analysed: messages in the dead-letter queue',
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: getAtt('UploadsDeadLetterQueue', 'QueueName') }],
        Statistic: 'Maximum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      },
    },
    AnalyzerErrorsAlarm: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmDescription: 'The analyzer function is failing',
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: ref(functionId('analyzer')) }],
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      },
    },
  };

  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description:
      'TravelLog backend-serverless: API Gateway + Lambda (TypeScript, nodejs22.x) + S3 + SQS + DynamoDB + Rekognition. Generated by `npm run template`; do not edit.',
    Parameters: PARAMETERS,
    Conditions: { HasAllowedOrigins: { 'Fn::Not': [{ 'Fn::Equals': [join('', ref('AllowedOrigins')), ''] }] } },
    Resources: resources,
    Outputs: {
      ApiUrl: { Description: 'Base URL the backend-server and front end call', Value: sub('https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${ApiStage}') },
      BucketName: { Value: ref('ImagesBucket') },
      TableName: { Value: ref('ImagesTable') },
      QueueUrl: { Value: ref('UploadsQueue') },
      DeadLetterQueueUrl: { Value: ref('UploadsDeadLetterQueue') },
    },
  };
};
