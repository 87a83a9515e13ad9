import { spawnSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AnalyzerConfig,
  AuthorizerConfig,
  HealthConfig,
  ImagesConfig,
  ObtainConfig,
  ReceiverConfig,
  ScanConfig,
} from '../../src/config.js';
import { EventsConfig, NotifierConfig } from '../../src/events-config.js';
import { FUNCTIONS } from '../../src/infra/functions.js';
import { functionId } from '../../src/infra/template.js';
import { QUEUE_DEFINITION, TABLE_DEFINITION } from '../../src/infra/table.js';
import { AWS_RETRY_SECONDS, attemptsOf, retryWindowSeconds } from '../../src/core/webhook-retry.js';
import { renderTemplate, TEMPLATE_PATH } from '../../scripts/template.js';

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string | string[]; Condition?: string };
let committed: string;
let template: { Parameters: Record<string, Record<string, unknown>>; Resources: Record<string, Resource>; Outputs: Record<string, unknown>; Rules: Record<string, unknown>; Conditions: Record<string, unknown> };
const ofType = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);

beforeAll(async () => {
  committed = await readFile(TEMPLATE_PATH, 'utf8');
  template = parse(committed);
});

describe('serverless/infrastructure.yaml', () => {
  it('equals a fresh generation from the sources (run `npm run template` and commit)', async () => {
    const { yaml } = await renderTemplate();
    expect(committed === yaml, `${TEMPLATE_PATH} is stale: run npm run template`).toBe(true);
  });

  it('is clean under cfn-lint', () => {
    const run = spawnSync('cfn-lint', ['--format', 'parseable', TEMPLATE_PATH], { encoding: 'utf8' });
    if (run.error && (run.error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('cfn-lint is not installed: `pip install cfn-lint` (AWS CloudFormation Linter) and run the tests again.');
    }
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('contains no YAML aliases (CloudFormation refuses them) and keeps code out of Fn::Sub', () => {
    expect(committed).not.toMatch(/(?:^|\s)[&*]a\d+\s*$/m);
    for (const [, fn] of ofType('AWS::Lambda::Function')) {
      const zip = (fn.Properties.Code as { ZipFile: unknown }).ZipFile;
      expect(typeof zip).toBe('string');
    }
  });

  it('inlines each handler as CommonJS that loads and exports `handler`', async () => {
    const dir = join(process.cwd(), 'dist', 'template-check');
    const req = createRequire(join(dir, 'x.js'));
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'package.json'), '{"type":"commonjs"}'); // inline code is CommonJS, as Lambda reads index.js
    for (const f of FUNCTIONS) {
      const fn = template.Resources[functionId(f.name)]!;
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler' });
      const file = join(dir, f.name, 'index.js');
      await mkdir(join(dir, f.name), { recursive: true });
      await writeFile(file, (fn.Properties.Code as { ZipFile: string }).ZipFile);
      expect(typeof req(file).handler, `${f.name} exports handler`).toBe('function');
    }
    await rm(dir, { recursive: true, force: true });
  });

  it("gives every function exactly its configuration schema's variables", () => {
    const schemas = { authorizer: AuthorizerConfig, receiver: ReceiverConfig, analyzer: AnalyzerConfig, obtain: ObtainConfig, scan: ScanConfig, images: ImagesConfig, health: HealthConfig, notifier: NotifierConfig };
    // Functions that emit completion events also read EVENT_BUS_NAME and WEBHOOK_QUEUE_URL.
    const emits = new Set(['analyzer', 'images']);
    for (const f of FUNCTIONS) {
      const vars = Object.keys((template.Resources[functionId(f.name)]!.Properties.Environment as { Variables: object }).Variables).filter(
        (k) => !k.startsWith('POWERTOOLS_'),
      );
      const local = new Set(f.localOnlyEnv ?? []);
      const expected = [...Object.keys(schemas[f.name].def.shape), ...(emits.has(f.name) ? Object.keys(EventsConfig) : [])];
      expect(vars.sort(), f.name).toEqual(expected.filter((k) => !local.has(k)).sort());
    }
  });

  it('gives each function its own role with exactly its declared actions, and no * but DetectLabels', () => {
    for (const f of FUNCTIONS) {
      const role = template.Resources[`${functionId(f.name)}Role`]!;
      type Statement = { Action: string[]; Resource: unknown };
      // A statement granted under a condition is { "Fn::If": [condition, statement, AWS::NoValue] }.
      const statements = (role.Properties.Policies as { PolicyDocument: { Statement: (Statement | { 'Fn::If': [string, Statement, unknown] })[] } }[])[0]!.PolicyDocument.Statement.map((s) =>
        'Fn::If' in s ? s['Fn::If'][1] : s,
      );
      const actions = statements.flatMap((s) => s.Action).sort();
      expect(actions, f.name).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents', ...f.permissions.flatMap((p) => p.actions)].sort());
      for (const s of statements) if (s.Resource === '*') expect(s.Action).toEqual(['rekognition:DetectLabels']);
      expect(JSON.stringify(role)).not.toMatch(/"(dynamodb|s3|sqs|logs):\*"/);
    }
  });

  it('attaches the authorizer to every route but /health and CORS preflight', () => {
    const methods = ofType('AWS::ApiGateway::Method').map(([, m]) => m.Properties as { HttpMethod: string; AuthorizationType: string; ResourceId: { Ref: string } });
    const routes = FUNCTIONS.flatMap((f) => f.routes);
    expect(methods.filter((m) => m.HttpMethod !== 'OPTIONS')).toHaveLength(routes.length);
    for (const m of methods) {
      const open = m.HttpMethod === 'OPTIONS' || m.ResourceId.Ref === 'ApiHealthResource';
      expect(m.AuthorizationType, `${m.HttpMethod} ${m.ResourceId.Ref}`).toBe(open ? 'NONE' : 'CUSTOM');
    }
    const [[, authorizer]] = ofType('AWS::ApiGateway::Authorizer') as [[string, Resource]];
    expect(authorizer.Properties).toMatchObject({ Type: 'TOKEN', IdentitySource: 'method.request.header.Authorization', AuthorizerResultTtlInSeconds: { Ref: 'AuthorizerCacheTtl' } });
  });

  it('answers gateway errors as JSON with CORS, and redeploys when the API changes', () => {
    const responses = ofType('AWS::ApiGateway::GatewayResponse').map(([, r]) => r.Properties as Record<string, Record<string, unknown>>);
    const types = responses.map((r) => r.ResponseType);
    for (const t of ['DEFAULT_4XX', 'DEFAULT_5XX', 'UNAUTHORIZED', 'ACCESS_DENIED', 'MISSING_AUTHENTICATION_TOKEN', 'THROTTLED']) expect(types).toContain(t);
    for (const r of responses) {
      expect(r.ResponseParameters!['gatewayresponse.header.Access-Control-Allow-Origin']).toBeDefined();
      expect(JSON.parse(String((r.ResponseTemplates as Record<string, string>)['application/json']).replace('$context.error.messageString', '"x"').replace(/\$context\.[\w.]+/g, 'x'))).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    }
    const [[deploymentId, deployment]] = ofType('AWS::ApiGateway::Deployment') as [[string, Resource]];
    expect(deploymentId).toMatch(/^ApiDeployment[0-9a-f]{10}$/);
    expect(deployment.DependsOn).toEqual(expect.arrayContaining(ofType('AWS::ApiGateway::Method').map(([id]) => id)));
  });

  it('builds storage and queues from the shared definitions, with secure defaults', () => {
    const table = template.Resources.ImagesTable!.Properties;
    expect(table.KeySchema).toEqual(TABLE_DEFINITION.KeySchema);
    expect(table.GlobalSecondaryIndexes).toEqual(TABLE_DEFINITION.GlobalSecondaryIndexes);
    expect(table).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    const queue = template.Resources.UploadsQueue!.Properties;
    expect(queue).toMatchObject({ SqsManagedSseEnabled: true, VisibilityTimeout: QUEUE_DEFINITION.visibilityTimeoutSeconds, RedrivePolicy: { maxReceiveCount: QUEUE_DEFINITION.maxReceiveCount } });
    expect(QUEUE_DEFINITION.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * QUEUE_DEFINITION.analyzerTimeoutSeconds);
    const bucket = template.Resources.ImagesBucket!;
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(JSON.stringify(bucket.Properties.BucketEncryption)).toContain('AES256');
    expect(JSON.stringify(template.Resources.ImagesBucketPolicy)).toContain('aws:SecureTransport');
    expect(bucket.DependsOn).toBe('UploadsQueuePolicy');
    const policy = JSON.stringify(template.Resources.UploadsQueuePolicy);
    expect(policy).toContain('aws:SourceArn');
    expect(policy).toContain('aws:SourceAccount');
    expect(policy).not.toContain('ImagesBucket'); // no reference back to the bucket: no cycle
    expect(template.Resources.AnalyzerEventSource!.Properties).toMatchObject({ FunctionResponseTypes: ['ReportBatchItemFailures'], BatchSize: QUEUE_DEFINITION.batchSize });
    expect(template.Parameters.JwtSecret).toMatchObject({ NoEcho: true, MinLength: 16 });
    expect(template.Parameters.AllowedOrigins!.Type).toBe('CommaDelimitedList');
    for (const output of ['ApiUrl', 'BucketName', 'TableName', 'QueueUrl', 'DeadLetterQueueUrl']) expect(template.Outputs).toHaveProperty(output);
    for (const [, group] of ofType('AWS::Logs::LogGroup')) expect(group.Properties.RetentionInDays).toEqual({ Ref: 'LogRetentionDays' });
  });

  it('delivers webhooks only with a WebhookUrl: secret in Secrets Manager, queue retrying ≥ 24 h, DLQ with an alarm', () => {
    const when = (id: string) => expect(template.Resources[id], id).toMatchObject({ Condition: 'HasWebhook' });
    for (const id of ['WebhookSigningSecret', 'WebhookQueue', 'WebhookDeadLetterQueue', 'NotifierEventSource', 'WebhookDeadLettersAlarm', 'NotifierFunction', 'NotifierFunctionRole', 'NotifierFunctionLogGroup']) when(id);
    expect(template.Parameters.WebhookSecret).toMatchObject({ NoEcho: true, Default: '' });
    expect(template.Parameters.WebhookUrl).toMatchObject({ Default: '' });
    expect(JSON.stringify(template.Rules)).toContain('WebhookSecret');
    expect(template.Resources.WebhookSigningSecret!.Properties.SecretString).toEqual({ Ref: 'WebhookSecret' });
    // No function carries the secret's value; the notifier gets the secret's ARN.
    for (const [, fn] of ofType('AWS::Lambda::Function')) expect(JSON.stringify(fn.Properties.Environment)).not.toContain('"Ref":"WebhookSecret"');
    expect((template.Resources.NotifierFunction!.Properties.Environment as { Variables: Record<string, unknown> }).Variables.WEBHOOK_SECRET_ARN).toEqual({ Ref: 'WebhookSigningSecret' });
    const q = template.Resources.WebhookQueue!.Properties as { VisibilityTimeout: number; MessageRetentionPeriod: number; RedrivePolicy: { maxReceiveCount: number } };
    expect(q.RedrivePolicy.maxReceiveCount).toBe(attemptsOf(AWS_RETRY_SECONDS));
    expect(q.MessageRetentionPeriod).toBeGreaterThan(retryWindowSeconds(AWS_RETRY_SECONDS));
    expect(retryWindowSeconds(AWS_RETRY_SECONDS)).toBeGreaterThanOrEqual(24 * 3600);
    expect(q.VisibilityTimeout).toBeGreaterThanOrEqual(6 * (template.Resources.NotifierFunction!.Properties.Timeout as number));
    expect(template.Resources.NotifierEventSource!.Properties).toMatchObject({ FunctionResponseTypes: ['ReportBatchItemFailures'], EventSourceArn: { 'Fn::GetAtt': ['WebhookQueue', 'Arn'] } });
    expect(JSON.stringify(template.Resources.WebhookDeadLettersAlarm)).toContain('WebhookDeadLetterQueue');
    expect(template.Conditions.HasWebhook).toBeDefined();
  });
});

describe('deployable on a brand-new account', () => {
  it('caps the analyzer through the event source, reserving no concurrency unless asked', () => {
    expect(template.Resources.AnalyzerEventSource!.Properties.ScalingConfig).toEqual({ MaximumConcurrency: { Ref: 'AnalyzerConcurrency' } });
    expect(template.Parameters.AnalyzerConcurrency).toMatchObject({ MinValue: 2, MaxValue: 1000 });
    expect(template.Parameters.AnalyzerReservedConcurrency).toMatchObject({ Default: 0 });
    for (const [id, fn] of ofType('AWS::Lambda::Function')) {
      const reserved = fn.Properties.ReservedConcurrentExecutions;
      if (id === functionId('analyzer')) expect(reserved).toEqual({ 'Fn::If': ['HasAnalyzerReservedConcurrency', { Ref: 'AnalyzerReservedConcurrency' }, { Ref: 'AWS::NoValue' }] });
      else expect(reserved, id).toBeUndefined();
    }
  });

  it('keeps the JWT secret in Secrets Manager: no function configuration holds it, only the authorizer may read it', () => {
    const secretId = 'JwtSigningSecret';
    const secret = template.Resources[secretId]!;
    expect(secret.Type).toBe('AWS::SecretsManager::Secret');
    expect(secret.Properties.SecretString).toEqual({ Ref: 'JwtSecret' });
    const mentions = Object.entries(template.Resources).filter(([id, r]) => id !== secretId && JSON.stringify(r).includes('"JwtSecret"'));
    expect(mentions.map(([id]) => id)).toEqual([]);
    for (const f of FUNCTIONS) {
      const props = template.Resources[functionId(f.name)]!.Properties;
      const vars = (props.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(vars.JWT_SECRET, f.name).toBeUndefined();
      const role = JSON.stringify(template.Resources[`${functionId(f.name)}Role`]);
      // The JWT secret: the authorizer only (the notifier reads the webhook secret, the scan its page-token key).
      expect(role.includes(`"Ref":"${secretId}"`), f.name).toBe(f.name === 'authorizer');
      expect(role.includes('secretsmanager:'), f.name).toBe(f.name === 'authorizer' || f.name === 'notifier' || f.name === 'scan');
    }
    const statements = (template.Resources.AuthorizerFunctionRole!.Properties.Policies as { PolicyDocument: { Statement: { Action: string[]; Resource: unknown }[] } }[])[0]!.PolicyDocument.Statement;
    expect(statements.find((s) => s.Action.includes('secretsmanager:GetSecretValue'))).toEqual({ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: { Ref: secretId } });
    expect((template.Resources.AuthorizerFunction!.Properties.Environment as { Variables: object }).Variables).toMatchObject({ JWT_SECRET_ARN: { Ref: secretId }, JWT_REQUIRE_EXP: { Ref: 'JwtRequireExp' } });
    expect(template.Parameters.JwtRequireExp).toMatchObject({ Default: 'true', AllowedValues: ['true', 'false'] });
  });

  it("generates the scan's page-token secret (no parameter, no value in any configuration), readable by the scan only", () => {
    const secret = template.Resources.PageTokenSecret!;
    expect(secret).toMatchObject({ Type: 'AWS::SecretsManager::Secret', Properties: { GenerateSecretString: { PasswordLength: 64 } } });
    expect(secret.Properties.SecretString).toBeUndefined();
    const readers = Object.entries(template.Resources).filter(([id, r]) => id !== 'PageTokenSecret' && JSON.stringify(r).includes('"Ref":"PageTokenSecret"'));
    expect(readers.map(([id]) => id).sort()).toEqual(['ScanFunction', 'ScanFunctionRole']);
    expect((template.Resources.ScanFunction!.Properties.Environment as { Variables: object }).Variables).toMatchObject({ PAGE_TOKEN_SECRET_ARN: { Ref: 'PageTokenSecret' } });
    const statements = (template.Resources.ScanFunctionRole!.Properties.Policies as { PolicyDocument: { Statement: { Action: string[]; Resource: unknown }[] } }[])[0]!.PolicyDocument.Statement;
    expect(statements.find((s) => s.Action.includes('secretsmanager:GetSecretValue'))).toEqual({ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: { Ref: 'PageTokenSecret' } });
  });

  it('logs every request as JSON to a log group with retention, after setting the account’s CloudWatch role', () => {
    const stage = template.Resources.ApiStage!.Properties as { AccessLogSetting: { DestinationArn: unknown; Format: string }; Tags: { Value: unknown }[] };
    expect(stage.AccessLogSetting.DestinationArn).toEqual({ 'Fn::GetAtt': ['ApiAccessLogGroup', 'Arn'] });
    const format = JSON.parse(stage.AccessLogSetting.Format) as Record<string, string>;
    expect(Object.values(format)).toEqual(expect.arrayContaining(['$context.requestId', '$context.identity.sourceIp', '$context.authorizer.user_id', '$context.resourcePath', '$context.status', '$context.responseLatency']));
    expect(template.Resources.ApiAccessLogGroup!.Properties.RetentionInDays).toEqual({ Ref: 'LogRetentionDays' });
    expect(template.Resources.ApiGatewayAccount!.Properties.CloudWatchRoleArn).toEqual({ 'Fn::GetAtt': ['ApiGatewayCloudWatchRole', 'Arn'] });
    expect(JSON.stringify(template.Resources.ApiGatewayCloudWatchRole)).toContain('AmazonAPIGatewayPushToCloudWatchLogs');
    // The stage depends on the account setting (through its tag) so it is created after it.
    expect(JSON.stringify(stage.Tags)).toContain('"Ref":"ApiGatewayAccount"');
  });

  it('refuses a malformed Authorization header before invoking the authorizer', () => {
    const expression = (template.Resources.ApiAuthorizer!.Properties as { IdentityValidationExpression: string }).IdentityValidationExpression;
    const re = new RegExp(expression);
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoiNDU2In0.c2lnbmF0dXJlLV8';
    for (const ok of [`Bearer ${jwt}`, `bearer ${jwt}`, 'Bearer a.b.']) expect(re.test(ok), ok).toBe(true);
    for (const bad of [jwt, `Basic ${jwt}`, `Bearer  ${jwt}`, `Bearer ${jwt} `, 'Bearer a.b', 'Bearer a.b.c.d', 'Bearer a+b.c.d', `Bearer ${jwt}\nx`]) expect(re.test(bad), bad).toBe(false);
  });

  it('lets API Gateway invoke each function only from this stage, for its own methods and paths', () => {
    const permissions = ofType('AWS::Lambda::Permission').map(([, p]) => p.Properties as { FunctionName: { 'Fn::GetAtt': [string, string] }; SourceArn: { 'Fn::Sub': string } });
    const expected = new Set<string>();
    for (const f of FUNCTIONS) for (const r of f.routes) for (const m of [r.method, 'OPTIONS']) expected.add(`${functionId(f.name)} ${m}${r.path.replace(/\{[^}]+\}/g, '*')}`);
    const actual = new Set<string>();
    for (const p of permissions) {
      const arn = p.SourceArn['Fn::Sub'];
      const fn = p.FunctionName['Fn::GetAtt'][0];
      if (fn === functionId('authorizer')) {
        expect(arn).toMatch(/:\$\{Api\}\/authorizers\/\$\{ApiAuthorizer\}$/);
        continue;
      }
      const m = /:\$\{Api\}\/\$\{ApiStage\}\/(GET|POST|DELETE|OPTIONS)(\/[^*\s]*(?:\*)?)$/.exec(arn);
      expect(m, arn).not.toBeNull();
      actual.add(`${fn} ${m![1]}${m![2]}`);
    }
    expect([...actual].sort()).toEqual([...expected].sort());
  });

  it('notifies the optional AlarmEmail of every alarm', () => {
    expect(template.Resources.AlarmTopic).toMatchObject({ Condition: 'HasAlarmEmail', Properties: { Subscription: [{ Protocol: 'email', Endpoint: { Ref: 'AlarmEmail' } }] } });
    const alarms = ofType('AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThanOrEqual(3);
    for (const [id, a] of alarms) expect(a.Properties.AlarmActions, id).toEqual({ 'Fn::If': ['HasAlarmEmail', [{ Ref: 'AlarmTopic' }], { Ref: 'AWS::NoValue' }] });
  });

  it('alarms on completion events that could not be published, on the metric and dimension the functions emit', () => {
    // Powertools Metrics writes <namespace>/<metric> with the dimension service=<service name>, both from each function's environment.
    const { Variables } = template.Resources.AnalyzerFunction!.Properties.Environment as { Variables: Record<string, string> };
    expect(template.Resources.EventsNotPublishedAlarm!.Properties).toMatchObject({
      Namespace: Variables.POWERTOOLS_METRICS_NAMESPACE,
      MetricName: 'EventsNotPublished',
      Dimensions: [{ Name: 'service', Value: Variables.POWERTOOLS_SERVICE_NAME }],
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });
});
