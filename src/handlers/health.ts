import { HealthConfig, type Env } from '../config.js';
import type * as z from 'zod/mini';
import type { Health } from '../wire/health.js';
import { httpFunction, json } from './http.js';

/** GET /health: unauthenticated liveness. */
export const createHealthHandler = (env: Env) =>
  httpFunction('health', env, HealthConfig, () => async () => json(200, { status: 'ok' } satisfies z.output<typeof Health>));

export const handler = createHealthHandler(process.env);
