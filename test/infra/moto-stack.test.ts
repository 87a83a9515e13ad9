import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CloudFormationClient, CreateStackCommand, DescribeStackResourcesCommand, DescribeStacksCommand, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { GetRolePolicyCommand, IAMClient, ListRolePoliciesCommand } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { HeadObjectCommand, PutBucketNotificationConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import type { APIGatewayAuthorizerResult, APIGatewayProxyResult, SQSBatchResponse } from 'aws-lambda';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionId } from '../../src/infra/cfn.js';
import { FUNCTIONS, type FunctionSpec } from '../../src/infra/functions.js';
import { mintToken } from '../../src/local/token.js';
import { TEMPLATE_PATH } from '../../scripts/template.js';
import { sha256, solidPng } from '../helpers/images.js';
import { FunctionError, startFunction, type EmulatedFunction } from '../helpers/lambda-runtime.js';
import { MOTO_ACCOUNT, MOTO_CREDENTIALS, MOTO_REGION, startMoto, type Moto } from '../helpers/moto.js';
import { apiEvent, sqsEvent } from '../helpers/lambda-events.js';

/**
 * A second, independent emulator: serverless/infrastructure.yaml deployed into moto's server,
 * and each function's inline code (from the template as moto stored it) run in `node` with the
 * environment moto resolved for it, against moto's S3, SQS (fed by moto's own S3 notifications),
 * DynamoDB, Rekognition (a canned DetectLabels) and Secrets Manager. It catches what the local
 * stack could share with our code: wiring, environment names, resource names, event shapes.
 *
 * What moto does not emulate, and how it is covered instead:
 * - API Gateway stages, authorizers, gateway responses, IdentityValidationExpression and Lambda
 *   invoke permissions: moto skips AWS::ApiGateway::Stage; here the header is checked against the
 *   template's expression and the authorizer's policy drives the calls (template.test.ts checks the rest).
 * - The bucket's NotificationConfiguration in CloudFormation: moto ignores it, so the template's
 *   (ObjectCreated → the uploads queue) is applied here; moto's S3 then sends the notifications.
 * - AWS::SecretsManager::Secret in CloudFormation: moto skips it, so the authorizer's JWT_SECRET_ARN
 *   is unresolved; the secret is created here from the template's own definition (its SecretString
 *   is the JwtSecret parameter) and its ARN given to the function.
 * - IAM enforcement, presigned URL signatures and S3 checksums: moto accepts any credentials and
 *   signature; the roles as moto stored them are checked against the resources each function's
 *   environment names (and permissions.test.ts records every call against the roles).
 * - Lambda's runtime and the SQS event source mapping: moto would run functions in Docker; here
 *   test/helpers/lambda-runtime.ts runs them, and the test polls the queue as the mapping does.
 */
type Resource = { Type: string; Properties: Record<string, unknown> };
const SECRET = 'moto-jwt-secret-0123456789';
const WEBHOOK_SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const STACK = 'travellog-moto';
const USER = '4242';

let moto: Moto;
let template: { Resources: Record<string, Resource> };
const physical = new Map<string, string>();
const envOf = new Map<FunctionSpec['name'], Record<string, string>>();
const roleOf = new Map<FunctionSpec['name'], { Action: string[]; Resource: string | string[] }[]>();
const running = new Map<FunctionSpec['name'], EmulatedFunction>();
const workDir = join(process.cwd(), 'dist', `moto-${process.pid}`);

const clients = () => {
  const c = { region: MOTO_REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS };
  return { c, cfn: new CloudFormationClient(c), lambda: new LambdaClient(c), iam: new IAMClient(c), sqs: new SQSClient(c), s3: new S3Client({ ...c, forcePathStyle: true }), secrets: new SecretsManagerClient(c) };
};
let aws: ReturnType<typeof clients>;

/** moto 5.2 returns inline role policies as a Python repr, not JSON. */
const policyDocument = (text: string) =>
  JSON.parse(decodeURIComponent(text).replace(/datetime\.date\((\d+), (\d+), (\d+)\)/g, (_, y: string, m: string, d: string) => `'${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}'`).replace(/'/g, '"')) as {
    Statement: { Action: string[]; Resource: string | string[] }[];
  };

const t0 = Date.now();
/** MOTO_TEST_TIMING=1 prints where the time goes (moto start, stack creation…); never asserted. */
const mark = (what: string) => process.env.MOTO_TEST_TIMING && console.error(`${what}: ${Date.now() - t0} ms`);
beforeAll(async () => {
  moto = await startMoto();
  mark('moto up');
  aws = clients();
  const body = await readFile(TEMPLATE_PATH, 'utf8');
  await aws.cfn.send(
    new CreateStackCommand({
      StackName: STACK,
      TemplateBody: body,
      Capabilities: ['CAPABILITY_IAM'],
      Parameters: [
        { ParameterKey: 'JwtSecret', ParameterValue: SECRET },
        { ParameterKey: 'AllowedOrigins', ParameterValue: 'https://travellog.example' },
        // With a webhook, so that the notifier and its queue exist too.
        { ParameterKey: 'WebhookUrl', ParameterValue: 'https://backend.travellog.example/webhooks/travellog' },
        { ParameterKey: 'WebhookSecret', ParameterValue: WEBHOOK_SECRET },
      ],
    }),
  );
  mark('stack created');
  const { Stacks } = await aws.cfn.send(new DescribeStacksCommand({ StackName: STACK }));
  expect(Stacks![0]!.StackStatus).toBe('CREATE_COMPLETE');
  // The code as deployed: from the template moto stored, not from our build.
  template = parse((await aws.cfn.send(new GetTemplateCommand({ StackName: STACK }))).TemplateBody!);
  for (const r of (await aws.cfn.send(new DescribeStackResourcesCommand({ StackName: STACK }))).StackResources ?? []) physical.set(r.LogicalResourceId!, r.PhysicalResourceId!);

  mark('resources described');
  for (const f of FUNCTIONS) {
    const config = await aws.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: physical.get(functionId(f.name)) }));
    expect(config).toMatchObject({ Runtime: 'nodejs22.x', Handler: 'index.handler' });
    const env: Record<string, string> = { ...(config.Environment?.Variables ?? {}) };
    const roleName = config.Role!.split('/').pop()!;
    const { PolicyNames } = await aws.iam.send(new ListRolePoliciesCommand({ RoleName: roleName }));
    const statements = [];
    for (const PolicyName of PolicyNames ?? []) {
      const { PolicyDocument } = await aws.iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName }));
      statements.push(...policyDocument(PolicyDocument!).Statement);
    }
    roleOf.set(f.name, statements);
    envOf.set(f.name, env);
  }
  mark('functions and roles read');
  // moto skips AWS::SecretsManager::Secret: create it as the template defines it.
  const secretResource = Object.entries(template.Resources).find(([id, r]) => r.Type === 'AWS::SecretsManager::Secret' && id === 'JwtSigningSecret')!;
  expect(secretResource[1].Properties.SecretString).toEqual({ Ref: 'JwtSecret' });
  const authorizerVars = (template.Resources[functionId('authorizer')]!.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
  expect(authorizerVars.JWT_SECRET_ARN).toEqual({ Ref: secretResource[0] });
  const { ARN } = await aws.secrets.send(new CreateSecretCommand({ Name: `${STACK}-${secretResource[0]}`, SecretString: SECRET }));
  envOf.get('authorizer')!.JWT_SECRET_ARN = ARN!;
  physical.set(secretResource[0], ARN!);
  // …and the webhook secret likewise (its SecretString is the WebhookSecret parameter).
  expect(template.Resources.WebhookSigningSecret!.Properties.SecretString).toEqual({ Ref: 'WebhookSecret' });
  const webhook = await aws.secrets.send(new CreateSecretCommand({ Name: `${STACK}-WebhookSigningSecret`, SecretString: WEBHOOK_SECRET }));
  envOf.get('notifier')!.WEBHOOK_SECRET_ARN = webhook.ARN!;
  // …and the scan's page-token secret, which the template generates (any 64 characters will do here).
  expect(template.Resources.PageTokenSecret!.Properties.GenerateSecretString).toMatchObject({ PasswordLength: 64 });
  const pageToken = await aws.secrets.send(new CreateSecretCommand({ Name: `${STACK}-PageTokenSecret`, SecretString: 'p'.repeat(64) }));
  envOf.get('scan')!.PAGE_TOKEN_SECRET_ARN = pageToken.ARN!;
  physical.set('PageTokenSecret', pageToken.ARN!);
  // moto's CloudFormation ignores the bucket's NotificationConfiguration: apply the template's, resolved.
  const notification = (template.Resources.ImagesBucket!.Properties.NotificationConfiguration as { QueueConfigurations: { Event: string; Queue: unknown }[] }).QueueConfigurations;
  expect(notification).toEqual([{ Event: 's3:ObjectCreated:*', Queue: { 'Fn::GetAtt': ['UploadsQueue', 'Arn'] } }]);
  const queueArn = `arn:aws:sqs:${MOTO_REGION}:${MOTO_ACCOUNT}:${physical.get('UploadsQueue')!.split('/').pop()}`;
  await aws.s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: physical.get('ImagesBucket'), NotificationConfiguration: { QueueConfigurations: [{ Events: ['s3:ObjectCreated:*'], QueueArn: queueArn }] } }));

  for (const f of FUNCTIONS) {
    const code = (template.Resources[functionId(f.name)]!.Properties.Code as { ZipFile: string }).ZipFile;
    // What Lambda adds to every function's environment, plus the way to reach moto.
    const env = { ...envOf.get(f.name)!, ...moto.env, PATH: process.env.PATH!, AWS_LAMBDA_FUNCTION_NAME: physical.get(functionId(f.name))!, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'WARN', POWERTOOLS_METRICS_DISABLED: 'true' };
    running.set(f.name, await startFunction(join(workDir, f.name), physical.get(functionId(f.name))!, code, env));
  }
  mark('functions started');
}, 120_000);

afterAll(async () => {
  for (const fn of running.values()) fn.stop();
  for (const c of Object.values(aws ?? {})) if (c && typeof c === 'object' && 'destroy' in c) (c as { destroy(): void }).destroy();
  await moto?.stop();
  await rm(workDir, { recursive: true, force: true });
});

const fn = (name: FunctionSpec['name']) => running.get(name)!;
const arnOf = (logicalId: string) => {
  const r = template.Resources[logicalId]!;
  const id = physical.get(logicalId)!;
  if (r.Type === 'AWS::DynamoDB::Table') return `arn:aws:dynamodb:${MOTO_REGION}:${MOTO_ACCOUNT}:table/${id}`;
  if (r.Type === 'AWS::S3::Bucket') return `arn:aws:s3:::${id}`;
  return id;
};

describe('the template deployed into moto', () => {
  it('gives every function the resources its environment names, and a role on exactly those', () => {
    const bucket = physical.get('ImagesBucket')!;
    const table = physical.get('ImagesTable')!;
    for (const f of FUNCTIONS) {
      const env = envOf.get(f.name)!;
      // Every variable of the function's configuration is resolved (no Ref left as a name, nothing missing).
      for (const key of f.env) expect(env[key], `${f.name} ${key}`).toBeDefined();
      if ('IMAGES_BUCKET_NAME' in env) expect(env.IMAGES_BUCKET_NAME).toBe(bucket);
      if ('IMAGES_TABLE_NAME' in env) expect(env.IMAGES_TABLE_NAME).toBe(table);
      const resources = new Set(roleOf.get(f.name)!.flatMap((s) => [s.Resource].flat().map((r) => r ?? 'unresolved')));
      const expected = new Set<string>();
      for (const p of f.permissions) {
        expected.add(
          {
            table: arnOf('ImagesTable'),
            tableIndexes: `${arnOf('ImagesTable')}/index/*`,
            bucket: arnOf('ImagesBucket'),
            objects: `${arnOf('ImagesBucket')}/*`,
            variants: `${arnOf('ImagesBucket')}/variants/*`,
            queue: `arn:aws:sqs:${MOTO_REGION}:${MOTO_ACCOUNT}:${physical.get('UploadsQueue')!.split('/').pop()}`,
            any: '*',
            jwtSecret: 'unresolved', // moto skips the secret resource (see above)
            webhookSecret: 'unresolved', // likewise
            pageTokenSecret: 'unresolved',
            webhookQueue: `arn:aws:sqs:${MOTO_REGION}:${MOTO_ACCOUNT}:${physical.get('WebhookQueue')!.split('/').pop()}`,
            defaultEventBus: `arn:aws:events:${MOTO_REGION}:${MOTO_ACCOUNT}:event-bus/default`,
          }[p.on]!,
        );
      }
      const own = [...resources].filter((r) => !r.includes(':logs:'));
      expect(own.sort(), f.name).toEqual([...expected].sort());
    }
  });

  it('runs authorizer → receiver → PUT → S3 notification → analyzer → images / obtain / scan / delete', async () => {
    const bucket = physical.get('ImagesBucket')!;
    const queueUrl = physical.get('UploadsQueue')!.replace('https://sqs.us-east-1.amazonaws.com', moto.endpoint);
    // API Gateway's part: the template's token format check, then the TOKEN authorizer.
    const expression = new RegExp((template.Resources.ApiAuthorizer!.Properties as { IdentityValidationExpression: string }).IdentityValidationExpression);
    const header = `Bearer ${await mintToken(USER, { secret: SECRET })}`;
    expect(expression.test(header)).toBe(true);
    const methodArn = `arn:aws:execute-api:${MOTO_REGION}:${MOTO_ACCOUNT}:${physical.get('Api')}/v1/POST/receiver`;
    const allowed = await fn('authorizer').invoke<APIGatewayAuthorizerResult>({ type: 'TOKEN', authorizationToken: header, methodArn });
    expect(allowed.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow' });
    const userId = String(allowed.context!.user_id);
    expect(userId).toBe(USER);
    const forged = `Bearer ${await mintToken(USER, { secret: 'another-secret-0123456789' })}`;
    await expect(fn('authorizer').invoke({ type: 'TOKEN', authorizationToken: forged, methodArn })).rejects.toThrow(FunctionError);

    const photo = solidPng([200, 30, 60]);
    const hash = sha256(photo);
    const body = JSON.stringify({ image_hash: hash, content_type: 'image/png', post_id: 7, user_id: Number(USER), picture_id: 1, post: { trip_id: 3, location_id: 5, content: 'moto' } });
    const registered = await fn('receiver').invoke<APIGatewayProxyResult>(apiEvent({ method: 'POST', resource: '/receiver', body, userId, headers: { Origin: 'https://travellog.example' } }));
    expect(registered.statusCode, registered.body).toBe(201);
    expect(registered.headers!['Access-Control-Allow-Origin']).toBe('https://travellog.example');
    const { file_name: fileName, upload_url: uploadUrl, upload_headers: uploadHeaders } = JSON.parse(registered.body) as { file_name: string; upload_url: string; upload_headers: Record<string, string> };
    expect(uploadUrl.startsWith(`${moto.endpoint}/${bucket}/${fileName}?`)).toBe(true);
    expect((await fetch(uploadUrl, { method: 'PUT', headers: uploadHeaders, body: new Uint8Array(photo) })).status).toBe(200);

    // moto's S3 notifies moto's SQS; poll it as the event source mapping does, and run the analyzer.
    const received: Message[] = [];
    for (let i = 0; i < 20 && !received.some((m) => m.Body?.includes(fileName)); i++) {
      const { Messages } = await aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['All'] }));
      received.push(...(Messages ?? []));
    }
    expect(received.some((m) => m.Body?.includes(fileName))).toBe(true);
    const event = sqsEvent(
      ...received.map((m) => ({
        messageId: m.MessageId!,
        receiptHandle: m.ReceiptHandle!,
        body: m.Body!,
        attributes: m.Attributes as never,
        messageAttributes: {},
        md5OfBody: m.MD5OfBody!,
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:${MOTO_REGION}:${MOTO_ACCOUNT}:${queueUrl.split('/').pop()}`,
        awsRegion: MOTO_REGION,
      })),
    );
    const batch = await fn('analyzer').invoke<SQSBatchResponse>(event);
    expect(batch.batchItemFailures).toEqual([]);
    for (const m of received) await aws.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));

    const get = (resource: string, pathParameters?: Record<string, string>, query?: [string, string][], method = 'GET') =>
      fn(resource === '/scan' ? 'scan' : resource.startsWith('/obtain') ? 'obtain' : 'images').invoke<APIGatewayProxyResult>(apiEvent({ method, resource, pathParameters, query, userId }));
    const record = JSON.parse((await get('/images/{file_name}', { file_name: fileName })).body) as Record<string, unknown>;
    // moto's canned DetectLabels: Mobile Phone 99.9, parent Phone.
    expect(record).toMatchObject({ status: 'approved', analysis_source: 'detected', post_id: 7, trip_id: 3 });
    expect(record.rekognition_results).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Mobile Phone', parents: ['Phone'] })]));

    const obtained = await get('/obtain/{file_name}', { file_name: fileName });
    expect(obtained.statusCode).toBe(302);
    const download = await fetch(String(obtained.headers!.Location));
    expect(Buffer.from(await download.arrayBuffer()).equals(photo)).toBe(true);

    for (const query of [[], [['post_id', '7']], [['trip_id', '3']], [['label', 'mobile phone>90']]] as [string, string][][]) {
      const scanned = JSON.parse((await get('/scan', undefined, query)).body) as { images: string[] };
      expect(scanned.images, JSON.stringify(query)).toEqual([fileName]);
    }
    expect(JSON.parse((await get('/scan', undefined, [['label', 'cat>10']])).body).images).toEqual([]);
    // A page token is checked with the key from the page-token secret (read through Secrets Manager).
    const edited = await get('/scan', undefined, [['label', 'mobile phone>90'], ['next_token', 'AAAA.BBBB']]);
    expect([edited.statusCode, JSON.parse(edited.body).error]).toEqual([400, 'invalid_next_token']);

    expect((await get('/images/{file_name}', { file_name: fileName }, undefined, 'DELETE')).statusCode).toBe(204);
    expect((await get('/images/{file_name}', { file_name: fileName })).statusCode).toBe(404);
    await expect(aws.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: fileName }))).rejects.toMatchObject({ name: 'NotFound' });
    expect((await fn('health').invoke<APIGatewayProxyResult>(apiEvent({ method: 'GET', resource: '/health', userId: null }))).statusCode).toBe(200);
  }, 60_000);
});
