import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { isTextBody } from './body.js';

export interface ProxyEventInput {
  req: IncomingMessage;
  /** Request path without the optional stage prefix, still percent-encoded (REST APIs pass it that way). */
  path: string;
  rawQuery: string;
  resource: string;
  pathParameters: Record<string, string>;
  body: Buffer;
  authorizer: Record<string, string | number> | null;
  stage: string;
  accountId: string;
  apiId: string;
  requestId: string;
  extendedRequestId: string;
  receivedAt: Date;
}

type Multi = Record<string, string[]>;

/**
 * Names come from the request (a header or parameter may be called `__proto__`, `toString`…):
 * every map built from them has no prototype, so no name can reach or shadow Object.prototype.
 */
export const nullProtoMap = <V>(): Record<string, V> => Object.create(null) as Record<string, V>;
const fromPairs = <V>(pairs: Iterable<readonly [string, V]>): Record<string, V> => {
  const out = nullProtoMap<V>();
  for (const [k, v] of pairs) out[k] = v;
  return out;
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** `$context.requestTime` format: 09/Apr/2015:12:34:56 +0000. */
export function formatRequestTime(d: Date): string {
  return (
    `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`
  );
}

/** Stable 6-character id per resource, like API Gateway's resource ids. */
export const resourceIdFor = (resource: string) => createHash('sha256').update(resource).digest('hex').slice(0, 6);

export const sourceIpOf = (req: IncomingMessage) => (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');

/** Header names keep the case the client sent; repeated names (in any case) are grouped. */
function requestHeaders(req: IncomingMessage): Multi {
  const out: Multi = nullProtoMap();
  const canonical = new Map<string, string>();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string;
    const key = canonical.get(name.toLowerCase()) ?? name;
    canonical.set(name.toLowerCase(), key);
    (out[key] ??= []).push(req.rawHeaders[i + 1] as string);
  }
  // API Gateway's front end adds these before the integration sees the request.
  const forwardedFor = canonical.get('x-forwarded-for');
  if (forwardedFor) out[forwardedFor] = out[forwardedFor]!.map((v) => `${v}, ${sourceIpOf(req)}`);
  else out['X-Forwarded-For'] = [sourceIpOf(req)];
  if (!canonical.has('x-forwarded-port')) out['X-Forwarded-Port'] = [String(req.socket.localPort ?? '')];
  if (!canonical.has('x-forwarded-proto')) out['X-Forwarded-Proto'] = ['http'];
  return out;
}

function queryParameters(rawQuery: string): Multi | null {
  if (rawQuery === '') return null;
  const out: Multi = nullProtoMap();
  // URLSearchParams decodes %XX and '+' (as a space), matching API Gateway.
  for (const [k, v] of new URLSearchParams(rawQuery)) (out[k] ??= []).push(v);
  return Object.keys(out).length ? out : null;
}

const lastValues = (m: Multi) => fromPairs(Object.entries(m).map(([k, v]) => [k, v[v.length - 1] ?? ''] as const));

export function buildProxyEvent(i: ProxyEventInput): APIGatewayProxyEvent {
  const multiValueHeaders = requestHeaders(i.req);
  const multiQuery = queryParameters(i.rawQuery);
  const contentType = i.req.headers['content-type'];
  const hasBody = i.body.length > 0;
  const binary = hasBody && !isTextBody(contentType, i.body);
  const method = i.req.method ?? 'GET';
  const userAgent = i.req.headers['user-agent'] ?? null;
  return {
    resource: i.resource,
    path: i.path,
    httpMethod: method,
    headers: lastValues(multiValueHeaders),
    multiValueHeaders,
    queryStringParameters: multiQuery && lastValues(multiQuery),
    multiValueQueryStringParameters: multiQuery,
    pathParameters: Object.keys(i.pathParameters).length ? fromPairs(Object.entries(i.pathParameters)) : null,
    stageVariables: null,
    requestContext: {
      accountId: i.accountId,
      apiId: i.apiId,
      resourceId: resourceIdFor(i.resource),
      resourcePath: i.resource,
      httpMethod: method,
      path: `/${i.stage}${i.path}`,
      stage: i.stage,
      protocol: `HTTP/${i.req.httpVersion}`,
      requestId: i.requestId,
      extendedRequestId: i.extendedRequestId,
      requestTime: formatRequestTime(i.receivedAt),
      requestTimeEpoch: i.receivedAt.getTime(),
      domainName: i.req.headers.host ?? '',
      domainPrefix: (i.req.headers.host ?? '').split('.')[0] ?? '',
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
        sourceIp: sourceIpOf(i.req),
        user: null,
        userAgent,
        userArn: null,
      },
      authorizer: i.authorizer,
    },
    body: hasBody ? i.body.toString(binary ? 'base64' : 'utf8') : null,
    isBase64Encoded: binary,
  };
}
