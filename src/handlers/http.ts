import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { DomainError, errorBody, isDomainError } from '../core/errors.js';
import { readConfig, type Env } from '../config.js';
import { lazy } from './lazy.js';
import { functionLogger } from './observability.js';

export interface HttpResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** The parts of an API Gateway proxy event a route reads. */
export interface HttpRequest {
  method: string;
  /** The authorizer's user, or 401 when there is none. */
  userId(): string;
  pathParameter(name: string): string;
  query: Record<string, string[] | undefined>;
  header(name: string): string | undefined;
  /** The raw body bytes (decoded when API Gateway sent base64). */
  body: Buffer | undefined;
}

export type Route = (req: HttpRequest) => Promise<HttpResponse>;

const toRequest = (event: APIGatewayProxyEvent): HttpRequest => {
  const headers = new Map(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    method: event.httpMethod,
    userId() {
      const id = event.requestContext?.authorizer?.user_id;
      if (typeof id !== 'string' || !id) throw new DomainError('unauthorized', 'Missing or invalid token.');
      return id;
    },
    pathParameter(name) {
      const v = event.pathParameters?.[name];
      if (!v) throw new DomainError('bad_request', `Missing path parameter ${name}.`);
      return v;
    },
    query: (event.multiValueQueryStringParameters ?? {}) as Record<string, string[] | undefined>,
    header: (name) => headers.get(name.toLowerCase()) ?? undefined,
    body: event.body == null ? undefined : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8'),
  };
};

/** CORS for proxy integrations is the function's job: echo the Origin only when allowed. */
export const corsHeaders = (origin: string | undefined, allowed: readonly string[]): Record<string, string> => {
  const headers: Record<string, string> = { Vary: 'Origin' };
  if (origin && (allowed.includes(origin) || allowed.includes('*'))) {
    headers['Access-Control-Allow-Origin'] = allowed.includes('*') ? '*' : origin;
    headers['Access-Control-Expose-Headers'] = 'Location';
  }
  return headers;
};

/** CORS preflight: API Gateway routes OPTIONS (no authorizer) to the resource's own function. */
const preflight = (origin: string | undefined, allowed: readonly string[]): APIGatewayProxyResult => {
  const cors = corsHeaders(origin, allowed);
  if (!cors['Access-Control-Allow-Origin']) return { statusCode: 204, headers: cors, body: '' };
  return {
    statusCode: 204,
    headers: {
      ...cors,
      'Access-Control-Allow-Methods': 'GET,POST,DELETE,OPTIONS',
      'Access-Control-Allow-Headers': 'Authorization,Content-Type,Accept',
      'Access-Control-Max-Age': '600',
    },
    body: '',
  };
};

const render = (r: HttpResponse, cors: Record<string, string>): APIGatewayProxyResult => ({
  statusCode: r.status,
  headers: {
    ...cors,
    'Cache-Control': 'no-store',
    ...(r.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    ...r.headers,
  },
  body: r.body === undefined ? '' : JSON.stringify(r.body),
});

/**
 * A Lambda proxy handler around a route: configuration read once per cold start,
 * domain errors as JSON 4xx, anything unexpected as a logged JSON 500.
 */
export const httpFunction = <S extends z.ZodMiniType<{ ALLOWED_ORIGINS: string[] }>>(
  name: string,
  env: Env,
  schema: S,
  build: (config: z.infer<S>) => Route,
) => {
  const logger = functionLogger(name);
  const wired = lazy(() => {
    const config = readConfig(schema, env);
    return { config, route: build(config) };
  });
  return async (event: APIGatewayProxyEvent, context?: Context): Promise<APIGatewayProxyResult> => {
    if (context) logger.addContext(context);
    const origin = event.headers?.origin ?? event.headers?.Origin;
    let allowed: string[] = [];
    try {
      const { config, route } = wired();
      allowed = config.ALLOWED_ORIGINS;
      if (event.httpMethod === 'OPTIONS') return preflight(origin, allowed);
      return render(await route(toRequest(event)), corsHeaders(origin, allowed));
    } catch (e) {
      if (isDomainError(e)) return render({ status: e.status, body: errorBody(e) }, corsHeaders(origin, allowed));
      logger.error(`${name} failed`, e as Error);
      return render({ status: 500, body: { error: 'internal_error', message: 'Internal server error.' } }, corsHeaders(origin, allowed));
    }
  };
};

export const json = (status: number, body: unknown, headers?: Record<string, string>): HttpResponse => ({ status, body, headers });
