import { HealthConfig, type Env } from '../config.js';
import { httpFunction, json } from './http.js';

/** GET /health: unauthenticated liveness. */
export const createHealthHandler = (env: Env) =>
  httpFunction('health', env, HealthConfig, () => async () => json(200, { status: 'ok' }));

export const handler = createHealthHandler(process.env);
