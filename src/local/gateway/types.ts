import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayTokenAuthorizerEvent,
  Context,
} from 'aws-lambda';

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
export type TokenAuthorizer = (
  event: APIGatewayTokenAuthorizerEvent,
  context: Context,
) => Promise<APIGatewayAuthorizerResult>;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Route {
  method: HttpMethod;
  /** API Gateway resource template, e.g. '/obtain/{file_name}' ({param} = exactly one path segment). */
  resource: string;
  handler: ProxyHandler;
  authorized: boolean;
}

export interface GatewayOptions {
  /** Default '127.0.0.1'; only loopback addresses are accepted. */
  host?: string;
  /** 0 = random free port. */
  port?: number;
  stage: string;
  region: string;
  accountId: string;
  apiId: string;
  routes: Route[];
  authorizer: TokenAuthorizer;
  /** 0 disables caching (API Gateway's AuthorizerResultTtlInSeconds). */
  authorizerCacheTtlSeconds: number;
  /** CORS for the gateway's own responses and preflight; '*' allows any origin. */
  allowedOrigins: string[];
  /** Default 10 MiB like API Gateway; larger bodies get 413. */
  maxBodyBytes?: number;
  /** Extra non-API handler for requests no route matches (e.g. static files); return false if not handled. */
  fallback?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  /** Called once per answered request (the local stack prints one line each). */
  onResponse?: (entry: AccessLogEntry) => void;
}

export interface AccessLogEntry {
  at: Date;
  method: string;
  /** Without the query string (it may carry personal data). */
  path: string;
  status: number;
  ms: number;
  /** The authorizer's user_id, when the route is authorized and the token passed. */
  user?: string;
}

export interface Gateway {
  url: string;
  port: number;
  close(): Promise<void>;
}
