import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Gateway } from '../../../src/local/gateway/index.js';
import { API, bearer, echo, rawRequest, withGateway } from './helpers.js';

let gw: Gateway;
beforeAll(async () => {
  ({ gw } = await withGateway({
    routes: [
      { method: 'GET', resource: '/obtain/{file_name}', handler: echo, authorized: true },
      { method: 'GET', resource: '/scan', handler: echo, authorized: true },
      { method: 'POST', resource: '/receiver', handler: echo, authorized: true },
      { method: 'GET', resource: '/health', handler: echo, authorized: false },
    ],
  }));
});
afterAll(() => gw.close());

async function received(path: string, init: RequestInit = {}) {
  const res = await fetch(gw.url + path, init);
  expect(res.status).toBe(200);
  return (await res.json()) as { event: APIGatewayProxyEvent; context: Record<string, unknown> };
}

describe('proxy event', () => {
  it('decodes repeated query parameters into both query fields', async () => {
    const { event } = await received('/scan?label=a>1&label=b<2&post_id=7&q=x+y%20z', { headers: await bearer({ user_id: 456 }) });
    expect(event.multiValueQueryStringParameters).toEqual({ label: ['a>1', 'b<2'], post_id: ['7'], q: ['x y z'] });
    expect(event.queryStringParameters).toEqual({ label: 'b<2', post_id: '7', q: 'x y z' });
    expect(event.resource).toBe('/scan');
    expect(event.pathParameters).toBeNull();
  });

  it('sets both query fields to null when there is no query', async () => {
    const { event } = await received('/scan', { headers: await bearer({ user_id: 456 }) });
    expect(event.queryStringParameters).toBeNull();
    expect(event.multiValueQueryStringParameters).toBeNull();
    expect(event.body).toBeNull();
    expect(event.isBase64Encoded).toBe(false);
  });

  it('decodes path parameters, keeps event.path encoded and fills requestContext', async () => {
    const { event, context } = await received('/obtain/456-ab%20c.jpg', {
      headers: { ...(await bearer({ user_id: 456 })), 'User-Agent': 'vitest-agent', 'X-Multi': 'one' },
    });
    expect(event.pathParameters).toEqual({ file_name: '456-ab c.jpg' });
    expect(event.path).toBe('/obtain/456-ab%20c.jpg');
    expect(event.httpMethod).toBe('GET');
    expect(event.stageVariables).toBeNull();
    const rc = event.requestContext;
    expect(rc).toMatchObject({
      accountId: API.accountId,
      apiId: API.apiId,
      stage: 'local',
      resourcePath: '/obtain/{file_name}',
      httpMethod: 'GET',
      path: '/local/obtain/456-ab%20c.jpg',
      protocol: 'HTTP/1.1',
      identity: { sourceIp: '127.0.0.1', userAgent: 'vitest-agent', user: null, cognitoIdentityId: null },
    });
    expect(rc.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(rc.resourceId).toMatch(/^[0-9a-f]{6}$/);
    expect(rc.requestTime).toMatch(/^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
    expect(Math.abs(rc.requestTimeEpoch - Date.now())).toBeLessThan(10_000);
    // The authorizer context reaches the function stringified, next to principalId.
    expect(rc.authorizer).toMatchObject({ principalId: '456', user_id: '456', admin: 'false' });
    expect(typeof rc.authorizer?.integrationLatency).toBe('number');
    expect(context).toMatchObject({ functionName: 'local-get-obtain-file_name', functionVersion: '$LATEST' });
    expect(context.remaining as number).toBeGreaterThan(20_000);
    expect(context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('passes headers in their original case: last value per name, all values in multiValueHeaders', async () => {
    const res = await rawRequest(gw.url, [
      'GET /health HTTP/1.1',
      `Host: ${new URL(gw.url).host}`,
      'X-Dup: first',
      'x-dup: second',
      'X-Forwarded-For: 10.0.0.1',
    ]);
    expect(res.status).toBe(200);
    const { event } = JSON.parse(res.body) as { event: APIGatewayProxyEvent };
    expect(event.headers['X-Dup']).toBe('second');
    expect(event.multiValueHeaders['X-Dup']).toEqual(['first', 'second']);
    expect(event.headers['x-dup']).toBeUndefined();
    // API Gateway appends the client address to X-Forwarded-For.
    expect(event.headers['X-Forwarded-For']).toBe('10.0.0.1, 127.0.0.1');
    expect(event.headers['X-Forwarded-Proto']).toBe('http');
    expect(event.requestContext.authorizer).toBeNull();
  });

  it('accepts the optional /<stage> prefix', async () => {
    const { event } = await received('/local/health');
    expect(event.path).toBe('/health');
    expect(event.requestContext.path).toBe('/local/health');
  });

  it('passes JSON bodies as text and binary bodies base64-encoded', async () => {
    const auth = await bearer({ user_id: 456 });
    const json = await received('/receiver', {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: '{"ñ":1}',
    });
    expect(json.event.body).toBe('{"ñ":1}');
    expect(json.event.isBase64Encoded).toBe(false);

    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x10]);
    const bin = await received('/receiver', {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'image/jpeg' },
      body: bytes,
    });
    expect(bin.event.isBase64Encoded).toBe(true);
    expect(Buffer.from(bin.event.body!, 'base64')).toEqual(bytes);
  });
});
