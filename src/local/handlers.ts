import type { Env } from '../config.js';
import type { FunctionSpec } from '../infra/functions.js';
import { createHealthHandler } from '../handlers/health.js';
import { createImagesHandler } from '../handlers/images.js';
import { createObtainHandler } from '../handlers/obtain.js';
import { createReceiverHandler } from '../handlers/receiver.js';
import { createScanHandler } from '../handlers/scan.js';
import type { ProxyHandler, Route } from './gateway/index.js';

/**
 * The handler of every function that serves HTTP routes, by the name
 * src/infra/functions.ts gives it. The local gateway's routes are the routes
 * that file declares, each to its function's handler (built once per function,
 * as Lambda runs one per function).
 */
export const HTTP_HANDLERS = {
  receiver: createReceiverHandler,
  obtain: createObtainHandler,
  scan: createScanHandler,
  images: createImagesHandler,
  health: createHealthHandler,
} satisfies Partial<Record<FunctionSpec['name'], (env: Env) => ProxyHandler>>;

export type HttpFunctionName = keyof typeof HTTP_HANDLERS;

const hasHttpHandler = (name: string): name is HttpFunctionName => Object.hasOwn(HTTP_HANDLERS, name);

/**
 * The gateway's routes from the declarations; `wrap` may decorate a function's
 * handler (the local /health adds the embedded model's state). A declared route
 * without a handler is a wiring error, found at start.
 */
export const routesFor = (
  functions: readonly FunctionSpec[],
  env: Env,
  wrap: Partial<Record<HttpFunctionName, (handler: ProxyHandler) => ProxyHandler>> = {},
  /** A function built another way (the images function with the local webhook outbox). */
  build: Partial<Record<HttpFunctionName, (env: Env) => ProxyHandler>> = {},
): Route[] =>
  functions
    .filter((f) => f.routes.length > 0)
    .flatMap((f) => {
      if (!hasHttpHandler(f.name)) throw new Error(`No local handler for function ${f.name} (routes ${f.routes.map((r) => `${r.method} ${r.path}`).join(', ')})`);
      const built = (build[f.name] ?? HTTP_HANDLERS[f.name])(env);
      const handler = wrap[f.name]?.(built) ?? built;
      return f.routes.map((r) => ({ method: r.method, resource: r.path, authorized: r.authorized, handler }));
    });
