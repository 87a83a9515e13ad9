/**
 * Event shapes as AWS documents them: API Gateway REST proxy integration input
 * (with a Lambda authorizer's context), the TOKEN authorizer input, and SQS
 * messages carrying S3 event notifications (message structure 2.1) or S3's test event.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayTokenAuthorizerEvent, Context, SQSEvent, SQSRecord } from 'aws-lambda';

export const ACCOUNT_ID = '123456789012';
export const API_ID = 'a1b2c3d4e5';
export const STAGE = 'prod';
export const REGION = 'us-east-1';

export interface ApiEventOptions {
  method: string;
  /** The resource template, e.g. "/obtain/{file_name}". */
  resource: string;
  pathParameters?: Record<string, string>;
  /** Query pairs in request order; repeated names become multi-value. */
  query?: [string, string][];
  /** Request headers as the client sent them (case preserved, as REST APIs pass them). */
  headers?: Record<string, string>;
  body?: string | null;
  isBase64Encoded?: boolean;
  /** The user the authorizer put in the context; null: no authorizer context at all. */
  userId?: string | null;
}

/** Later header sets override earlier ones whatever the casing (the last casing wins). */
export const mergeHeaders = (...sets: Record<string, string>[]): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const set of sets) {
    for (const [k, v] of Object.entries(set)) {
      for (const existing of Object.keys(out)) if (existing.toLowerCase() === k.toLowerCase()) delete out[existing];
      out[k] = v;
    }
  }
  return out;
};

const fillPath = (resource: string, params: Record<string, string> | undefined) =>
  resource.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(params?.[name] ?? ''));

/** A REST API (v1 payload) Lambda proxy event, as API Gateway sends it. */
export const apiEvent = (o: ApiEventOptions): APIGatewayProxyEvent => {
  const path = fillPath(o.resource, o.pathParameters);
  const headers = mergeHeaders(
    {
      Accept: '*/*',
      'Accept-Encoding': 'gzip, deflate, br',
      'CloudFront-Forwarded-Proto': 'https',
      'CloudFront-Is-Desktop-Viewer': 'true',
      'CloudFront-Viewer-Country': 'US',
      Host: `${API_ID}.execute-api.${REGION}.amazonaws.com`,
      'User-Agent': 'TravelLog-backend/1.0',
      Via: '2.0 f0d5b0b3c1d2e3f4a5b6c7d8e9f0a1b2.cloudfront.net (CloudFront)',
      'X-Amz-Cf-Id': 'cDehVQoZnx43VYQb9j2-nvCh-9z396Uhbp027Y2JvkCPNLmGJHqlaA==',
      'X-Amzn-Trace-Id': 'Root=1-5e66d96f-7491f09xmpl79d18acf3d050',
      'X-Forwarded-For': '203.0.113.10, 198.51.100.5',
      'X-Forwarded-Port': '443',
      'X-Forwarded-Proto': 'https',
      ...(o.userId !== null ? { Authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln' } : {}),
    },
    o.headers ?? {},
  );
  const multiValueHeaders = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]]));
  const multi: Record<string, string[]> = {};
  for (const [k, v] of o.query ?? []) (multi[k] ??= []).push(v);
  const single = Object.fromEntries(Object.entries(multi).map(([k, v]) => [k, v[v.length - 1]!]));
  const hasQuery = (o.query ?? []).length > 0;
  const userId = o.userId === undefined ? '456' : o.userId;
  const now = Date.now();
  return {
    resource: o.resource,
    path,
    httpMethod: o.method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? single : null,
    multiValueQueryStringParameters: hasQuery ? multi : null,
    pathParameters: o.pathParameters ?? null,
    stageVariables: null,
    requestContext: {
      accountId: ACCOUNT_ID,
      apiId: API_ID,
      authorizer: userId === null ? null : { principalId: userId, integrationLatency: 12, user_id: userId },
      domainName: `${API_ID}.execute-api.${REGION}.amazonaws.com`,
      domainPrefix: API_ID,
      extendedRequestId: 'JJbxmHv6IAMFdDA=',
      httpMethod: o.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '203.0.113.10',
        user: null,
        userAgent: 'TravelLog-backend/1.0',
        userArn: null,
      },
      path: `/${STAGE}${path}`,
      protocol: 'HTTP/1.1',
      requestId: randomUUID(),
      requestTime: new Date(now).toUTCString(),
      requestTimeEpoch: now,
      resourceId: 'abc123',
      resourcePath: o.resource,
      stage: STAGE,
    },
    body: o.body ?? null,
    isBase64Encoded: o.isBase64Encoded ?? false,
  };
};

/** The TOKEN authorizer input: the Authorization header's value and the ARN of the method called. */
export const tokenEvent = (
  authorizationToken: string,
  methodArn = `arn:aws:execute-api:${REGION}:${ACCOUNT_ID}:${API_ID}/${STAGE}/GET/obtain/456-file.jpg`,
): APIGatewayTokenAuthorizerEvent => ({ type: 'TOKEN', authorizationToken, methodArn });

export interface S3RecordOptions {
  bucket: string;
  /** The key as S3 puts it in the notification: URL-encoded, '+' for spaces. */
  key: string;
  size?: number;
  eventName?: string;
}

/** One S3 event notification record (eventVersion 2.1). */
export const s3Record = ({ bucket, key, size = 1024, eventName = 'ObjectCreated:Put' }: S3RecordOptions) => ({
  eventVersion: '2.1',
  eventSource: 'aws:s3',
  awsRegion: REGION,
  eventTime: new Date().toISOString(),
  eventName,
  userIdentity: { principalId: 'AWS:AIDAINPONIXQXHT3IKHL2' },
  requestParameters: { sourceIPAddress: '203.0.113.10' },
  responseElements: {
    'x-amz-request-id': 'C3D13FE58DE4C810',
    'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD',
  },
  s3: {
    s3SchemaVersion: '1.0',
    configurationId: 'ImageUploaded',
    bucket: { name: bucket, ownerIdentity: { principalId: 'A3NL1KOZZKExample' }, arn: `arn:aws:s3:::${bucket}` },
    object: { key, size, eTag: 'd41d8cd98f00b204e9800998ecf8427e', sequencer: '0055AED6DCD90281E5' },
  },
});

export const s3Notification = (...records: ReturnType<typeof s3Record>[]) => ({ Records: records });

/** What S3 sends once when a notification configuration is saved. */
export const s3TestEvent = (bucket: string) => ({
  Service: 'Amazon S3',
  Event: 's3:TestEvent',
  Time: new Date().toISOString(),
  Bucket: bucket,
  RequestId: '5582815E1AEA5ADF',
  HostId: '8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE',
});

/** One SQS message as Lambda's event source mapping delivers it. */
export const sqsRecord = (
  body: unknown,
  { messageId = randomUUID(), receiveCount = 1 }: { messageId?: string; receiveCount?: number } = {},
): SQSRecord => {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const sent = Date.now() - 1000;
  return {
    messageId,
    receiptHandle: `AQEB${Buffer.from(messageId).toString('base64')}`,
    body: text,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: String(sent),
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: String(sent + 5),
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(text).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:travellog-image-uploads`,
    awsRegion: REGION,
  };
};

export const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

/** A Lambda context, as the runtime passes it. */
export const lambdaContext = (functionName = 'travellog-analyzer'): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${functionName}`,
  memoryLimitInMB: '512',
  awsRequestId: randomUUID(),
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: '2024/01/01/[$LATEST]abcdef0123456789',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/** The response body as JSON. */
export const bodyOf = (r: { body: string }): Record<string, unknown> => JSON.parse(r.body) as Record<string, unknown>;
