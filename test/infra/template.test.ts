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
import { FUNCTIONS } from '../../src/infra/functions.js';
import { functionId } from '../../src/infra/template.js';
import { QUEUE_DEFINITION, TABLE_DEFINITION } from '../../src/infra/table.js';
import { renderTemplate, TEMPLATE_PATH } from '../../scripts/template.js';

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string | string[] };
let committed: string;
let template: { Parameters: Record<string, Record<string, unknown>>; Resources: Record<string, Resource>; Outputs: Record<string, unknown> };
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
    const schemas = { authorizer: AuthorizerConfig, receiver: ReceiverConfig, analyzer: AnalyzerConfig, obtain: ObtainConfig, scan: ScanConfig, images: ImagesConfig, health: HealthConfig };
    for (const f of FUNCTIONS) {
      const vars = Object.keys((template.Resources[functionId(f.name)]!.Properties.Environment as { Variables: object }).Variables).filter(
        (k) => !k.startsWith('POWERTOOLS_'),
      );
      expect(vars.sort(), f.name).toEqual(Object.keys(schemas[f.name].def.shape).sort());
    }
  });

  it('gives each function its own role with exactly its declared actions, and no * but DetectLabels', () => {
    for (const f of FUNCTIONS) {
      const role = template.Resources[`${functionId(f.name)}Role`]!;
      const statements = (role.Properties.Policies as { PolicyDocument: { Statement: { Action: string[]; Resource: unknown }[] } }[])[0]!.PolicyDocument.Statement;
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
    const analyzer = template.Resources.AnalyzerFunction!.Properties;
    expect(analyzer.ReservedConcurrentExecutions).toEqual({ Ref: 'AnalyzerConcurrency' });
    expect(template.Resources.AnalyzerEventSource!.Properties).toMatchObject({ FunctionResponseTypes: ['ReportBatchItemFailures'], BatchSize: QUEUE_DEFINITION.batchSize });
    expect(template.Parameters.JwtSecret).toMatchObject({ NoEcho: true, MinLength: 16 });
    expect(template.Parameters.AllowedOrigins!.Type).toBe('CommaDelimitedList');
    for (const output of ['ApiUrl', 'BucketName', 'TableName', 'QueueUrl', 'DeadLetterQueueUrl']) expect(template.Outputs).toHaveProperty(output);
    for (const [, group] of ofType('AWS::Logs::LogGroup')) expect(group.Properties.RetentionInDays).toEqual({ Ref: 'LogRetentionDays' });
  });
});
