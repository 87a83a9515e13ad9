import { createHash } from 'node:crypto';
import { functionId, getAtt, ifCond, noValue, pascal, ref, sub, type Obj } from './cfn.js';
import { FUNCTIONS } from './functions.js';
import { GATEWAY_RESPONSES, IDENTITY_VALIDATION_EXPRESSION } from './gateway-responses.js';

/**
 * The REST API part of the template: resources and methods from the functions' routes,
 * the TOKEN authorizer, JSON gateway responses, the stage with its access log, and
 * invoke permissions scoped to this stage, method and path.
 */

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

/** Every (function, HTTP method, path) the API invokes, CORS preflight included. */
const invocations = () => {
  const out: { fn: string; method: string; path: string; authorized: boolean }[] = [];
  const preflight = new Map<string, string>();
  for (const f of FUNCTIONS) {
    for (const r of f.routes) {
      out.push({ fn: f.name, method: r.method, path: r.path, authorized: r.authorized });
      preflight.set(r.path, f.name);
    }
  }
  // Browsers send preflight without Authorization: OPTIONS skips the authorizer
  // and goes to the resource's own function, which knows ALLOWED_ORIGINS.
  for (const [path, fn] of preflight) out.push({ fn, method: 'OPTIONS', path, authorized: false });
  return out;
};

const methods = (idOf: (path: string) => string | null) => {
  const out: Obj = {};
  for (const i of invocations()) {
    const resourceId = idOf(i.path)!;
    out[`${resourceId.replace(/Resource$/, '')}${pascal(i.method.toLowerCase())}Method`] = {
      Type: 'AWS::ApiGateway::Method',
      Properties: {
        RestApiId: ref('Api'),
        ResourceId: ref(resourceId),
        HttpMethod: i.method,
        AuthorizationType: i.authorized ? 'CUSTOM' : 'NONE',
        ...(i.authorized ? { AuthorizerId: ref('ApiAuthorizer') } : {}),
        Integration: proxyIntegration(functionId(i.fn)),
      },
    };
  }
  return out;
};

/** Lambda permissions naming their own stage, method and path (path parameters as `*`). */
const invokePermissions = () => {
  const out: Obj = {
    [`${functionId('authorizer')}ApiPermission`]: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: getAtt(functionId('authorizer'), 'Arn'),
        Principal: 'apigateway.amazonaws.com',
        SourceArn: sub('arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/authorizers/${ApiAuthorizer}'),
      },
    },
  };
  for (const i of invocations()) {
    const path = i.path.replace(/\{[^}]+\}/g, '*');
    out[`${functionId(i.fn)}${pascal(i.method.toLowerCase())}${pascal(i.path)}Permission`] = {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: getAtt(functionId(i.fn), 'Arn'),
        Principal: 'apigateway.amazonaws.com',
        SourceArn: sub(`arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${Api}/\${ApiStage}/${i.method}${path}`),
      },
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

/**
 * One JSON line per request: who (source IP, the authorizer's user id), what (method,
 * route, path), the answer (status, error) and how long it took. Every value quoted:
 * API Gateway writes `-` for an empty variable, which would break an unquoted number.
 */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  requestTime: '$context.requestTimeEpoch',
  sourceIp: '$context.identity.sourceIp',
  userId: '$context.authorizer.user_id',
  method: '$context.httpMethod',
  route: '$context.resourcePath',
  path: '$context.path',
  status: '$context.status',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  responseBytes: '$context.responseLength',
  error: '$context.error.responseType',
});

/**
 * Stage access logging needs the account's API Gateway CloudWatch role, which a new
 * account lacks. AWS::ApiGateway::Account sets it for every REST API of this account and
 * region (there is one such setting per region): an existing setting is replaced by this
 * role. Both are retained when the stack is deleted, so other APIs that log keep working.
 */
const logging = (): Obj => ({
  ApiAccessLogGroup: {
    Type: 'AWS::Logs::LogGroup',
    DeletionPolicy: 'Delete',
    UpdateReplacePolicy: 'Delete',
    Properties: { RetentionInDays: ref('LogRetentionDays') },
  },
  ApiGatewayCloudWatchRole: {
    Type: 'AWS::IAM::Role',
    Condition: 'CreateApiGatewayAccount',
    DeletionPolicy: 'Retain',
    UpdateReplacePolicy: 'Retain',
    Properties: {
      Description: 'API Gateway writes access and execution logs to CloudWatch Logs (account and region wide)',
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      ManagedPolicyArns: [sub('arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs')],
    },
  },
  ApiGatewayAccount: {
    Type: 'AWS::ApiGateway::Account',
    Condition: 'CreateApiGatewayAccount',
    DeletionPolicy: 'Retain',
    UpdateReplacePolicy: 'Retain',
    Properties: { CloudWatchRoleArn: getAtt('ApiGatewayCloudWatchRole', 'Arn') },
  },
});

export const apiTemplate = (): Obj => {
  const { resources: apiPathResources, idOf } = apiResources();
  const apiMethods = methods(idOf);
  const responses = gatewayResponses();
  // A new deployment whenever the API's shape changes (CloudFormation never redeploys on its own).
  const apiHash = createHash('sha256').update(JSON.stringify({ apiPathResources, apiMethods, responses })).digest('hex').slice(0, 10);
  const deploymentId = `ApiDeployment${apiHash}`;
  return {
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
        IdentityValidationExpression: IDENTITY_VALIDATION_EXPRESSION,
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
    ...logging(),
    ApiStage: {
      Type: 'AWS::ApiGateway::Stage',
      Properties: {
        RestApiId: ref('Api'),
        DeploymentId: ref(deploymentId),
        StageName: ref('StageName'),
        // The account's CloudWatch role must exist before a stage may log (else CREATE_FAILED).
        Tags: [{ Key: 'account-logging', Value: ifCond('CreateApiGatewayAccount', ref('ApiGatewayAccount'), 'preexisting') }],
        AccessLogSetting: { DestinationArn: getAtt('ApiAccessLogGroup', 'Arn'), Format: ACCESS_LOG_FORMAT },
        MethodSettings: [
          { ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: ref('ThrottleRateLimit'), ThrottlingBurstLimit: ref('ThrottleBurstLimit'), MetricsEnabled: true },
        ],
      },
    },
    ...invokePermissions(),
  };
};
