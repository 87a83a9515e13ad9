import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Gateway, GatewayOptions, Route } from './types.js';
import { compileRoutes, matchResource, type Resource, type ResourceMatch } from './routes.js';
import { createAuthorization } from './authorizer.js';
import { corsHeaders, preflightHeaders } from './cors.js';
import { DEFAULT_MAX_BODY_BYTES, readBody } from './body.js';
import { buildProxyEvent, nullProtoMap } from './events.js';
import { functionNameFor, lambdaContext } from './lambda-context.js';
import { INTEGRATION_TIMEOUT_MS, InvocationTimeout, invokeWithTimeout } from './invoke.js';
import { toHttpAnswer } from './proxy-response.js';
import { GATEWAY_RESPONSES, sendGatewayError, type GatewayError } from './responses.js';

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/;

interface Located {
  /** Path as API Gateway's `event.path` shows it: stage prefix removed, still percent-encoded. */
  path: string;
  rawQuery: string;
  match: ResourceMatch | undefined;
}

/** Resolves the request target; an optional '/<stage>' prefix is accepted like the execute-api URL. */
function locate(resources: Resource[], url: string, stage: string): Located {
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const rawQuery = q < 0 ? '' : url.slice(q + 1);
  const direct = matchResource(resources, rawPath);
  if (direct) return { path: rawPath, rawQuery, match: direct };
  const prefix = `/${stage}`;
  if (rawPath === prefix || rawPath.startsWith(`${prefix}/`)) {
    const path = rawPath.slice(prefix.length) || '/';
    return { path, rawQuery, match: matchResource(resources, path) };
  }
  return { path: rawPath, rawQuery, match: undefined };
}

function decodeParams(raw: Record<string, string>): Record<string, string> | undefined {
  try {
    const out = nullProtoMap<string>();
    for (const [k, v] of Object.entries(raw)) out[k] = decodeURIComponent(v);
    return out;
  } catch {
    return undefined;
  }
}

/** The Authorization header (TOKEN identity source); the last one wins if repeated. */
function authorizationToken(req: IncomingMessage): string | undefined {
  let token: string | undefined;
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2)
    if (req.rawHeaders[i]?.toLowerCase() === 'authorization') token = req.rawHeaders[i + 1];
  return token?.trim() || undefined;
}

function safeCorsHeaders(req: IncomingMessage, allowedOrigins: string[]): Record<string, string> {
  try {
    return corsHeaders(req.headers, allowedOrigins);
  } catch {
    return { Vary: 'Origin' };
  }
}

export async function startGateway(o: GatewayOptions): Promise<Gateway> {
  const host = o.host ?? '127.0.0.1';
  if (!LOOPBACK.test(host)) throw new Error(`The local gateway binds loopback only, not '${host}'`);
  const resources = compileRoutes(o.routes);
  const maxBodyBytes = o.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const authorize = createAuthorization({
    authorizer: o.authorizer,
    ttlSeconds: o.authorizerCacheTtlSeconds,
    identity: { functionName: 'local-authorizer', region: o.region, accountId: o.accountId },
  });
  const methodArn = (method: string, path: string) =>
    `arn:aws:execute-api:${o.region}:${o.accountId}:${o.apiId}/${o.stage}/${method}/${path.replace(/^\//, '')}`;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const receivedAt = new Date();
    const cors = corsHeaders(req.headers, o.allowedOrigins);
    const fail = (e: GatewayError) => sendGatewayError(res, e, cors, requestId);
    const method = req.method ?? 'GET';
    const { path, rawQuery, match } = locate(resources, req.url ?? '/', o.stage);

    if (match && method === 'OPTIONS') {
      res.writeHead(204, preflightHeaders(req.headers, o.allowedOrigins, [...match.resource.methods.keys()]));
      res.end();
      return;
    }
    const route: Route | undefined = match?.resource.methods.get(method as Route['method']);
    if (!match || !route) {
      if (o.fallback && (await o.fallback(req, res))) return;
      const rawPath = (req.url ?? '/').split('?')[0];
      return fail({ ...GATEWAY_RESPONSES.MISSING_AUTHENTICATION_TOKEN, message: `No route for ${method} ${rawPath}` });
    }

    const read = await readBody(req, maxBodyBytes);
    if (read.tooLarge)
      return fail({
        ...GATEWAY_RESPONSES.REQUEST_TOO_LARGE,
        message: `Request body exceeds the ${maxBodyBytes}-byte limit`,
      });
    const pathParameters = decodeParams(match.rawParams);
    if (!pathParameters)
      return fail({ ...GATEWAY_RESPONSES.BAD_REQUEST_PARAMETERS, message: 'Malformed percent-encoding in path' });

    let authorizer: Record<string, string | number> | null = null;
    if (route.authorized) {
      const decision = await authorize(authorizationToken(req), methodArn(method, path));
      if (decision.outcome === 'unauthorized') return fail(GATEWAY_RESPONSES.UNAUTHORIZED);
      if (decision.outcome === 'forbidden') return fail(GATEWAY_RESPONSES.ACCESS_DENIED);
      if (decision.outcome === 'authorizer_error') return fail(GATEWAY_RESPONSES.AUTHORIZER_FAILURE);
      authorizer = decision.requestContextAuthorizer;
      if (authorizer?.user_id !== undefined) usersOf.set(res, String(authorizer.user_id));
    }

    const extendedRequestId = randomBytes(11).toString('base64');
    const event = buildProxyEvent({
      req,
      path,
      rawQuery,
      resource: route.resource,
      pathParameters,
      body: read.body,
      authorizer,
      stage: o.stage,
      accountId: o.accountId,
      apiId: o.apiId,
      requestId,
      extendedRequestId,
      receivedAt,
    });
    const functionName = functionNameFor(route.method, route.resource);
    const context = lambdaContext(
      { functionName, region: o.region, accountId: o.accountId },
      Date.now() + INTEGRATION_TIMEOUT_MS,
    );
    let result: unknown;
    try {
      result = await invokeWithTimeout(() => route.handler(event, context), INTEGRATION_TIMEOUT_MS);
    } catch (e) {
      console.error(`[gateway] ${functionName} failed (${method} ${path}):`, e);
      const timedOut = e instanceof InvocationTimeout;
      return fail(timedOut ? GATEWAY_RESPONSES.INTEGRATION_TIMEOUT : GATEWAY_RESPONSES.INTEGRATION_FAILURE);
    }
    const answer = toHttpAnswer(result);
    if (typeof answer === 'string') {
      console.error(`[gateway] Malformed Lambda proxy response from ${functionName}: ${answer}`);
      return fail(GATEWAY_RESPONSES.INTEGRATION_FAILURE);
    }
    // Handler answers pass through untouched (proxy integrations own their CORS headers).
    const headers: Array<[string, string]> = [];
    for (const [name, values] of answer.headers) for (const v of values) headers.push([name, v]);
    headers.push(['x-amzn-RequestId', requestId], ['x-amz-apigw-id', extendedRequestId]);
    headers.push(['Content-Length', String(answer.body.length)]);
    try {
      res.writeHead(answer.status, headers.flat());
    } catch (e) {
      // e.g. a header value with a newline: API Gateway would also refuse the response.
      console.error(`[gateway] Unsendable response from ${functionName}:`, e);
      return fail(GATEWAY_RESPONSES.INTEGRATION_FAILURE);
    }
    res.end(answer.body);
  }

  /** Who made each request, for the access log. */
  const usersOf = new WeakMap<ServerResponse, string>();
  const logAnswer = (req: IncomingMessage, res: ServerResponse, at: Date, started: number) => {
    if (!o.onResponse) return;
    const user = usersOf.get(res);
    o.onResponse({
      at,
      method: req.method ?? 'GET',
      path: (req.url ?? '/').split('?')[0] ?? '/',
      status: res.statusCode,
      ms: performance.now() - started,
      ...(user !== undefined ? { user } : {}),
    });
  };

  const server = createServer((req, res) => {
    const at = new Date();
    const started = performance.now();
    res.once('close', () => logAnswer(req, res, at, started));
    handle(req, res).catch((e: unknown) => {
      console.error('[gateway] unexpected error:', e);
      // Every gateway answer carries CORS headers, this one too (a browser could not read it otherwise).
      if (!res.headersSent) sendGatewayError(res, GATEWAY_RESPONSES.INTEGRATION_FAILURE, safeCorsHeaders(req, o.allowedOrigins), 'none');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Idle keep-alive sockets would otherwise hold close() open for seconds.
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 1000).unref();
      }),
  };
}
