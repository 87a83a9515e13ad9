import { documentClient } from '../adapters/aws-clients/dynamodb.js';
import { secretsManagerClient } from '../adapters/aws-clients/secrets-manager.js';
import { DynamoScanIndex } from '../adapters/dynamodb/scan-index.js';
import { SecretsManagerSecretReader } from '../adapters/secrets-manager-secret-reader.js';
import { derivePageTokenKey } from '../core/page-token.js';
import { parsePageRequest } from '../core/scan-access.js';
import { planScan, scanResponse } from '../core/scan-plan.js';
import { ScanConfig, readConfig, type Env } from '../config.js';
import type { ScanIndex } from '../ports/scan-index.js';
import { scanPage, type PageTokenKey } from '../app/scan-page.js';
import { httpFunction, json, type Route } from './http.js';

export interface ScanDeps {
  index: ScanIndex;
  /** The HMAC key of page tokens (derivePageTokenKey), or how to get it. */
  tokenKey: PageTokenKey;
  now?: () => number;
}

/** GET /scan: one page of the token user's images — the cheapest index for the query, every filter applied. */
export const scanRoute =
  ({ index, tokenKey, now = Date.now }: ScanDeps): Route =>
  async (req) => {
    const userId = req.userId();
    const plan = planScan(userId, req.query);
    const page = await scanPage({ index, tokenKey }, userId, plan, parsePageRequest(req.query), now());
    return json(200, scanResponse(plan, page));
  };

/** The secret itself (local stack, tests), or a cached read of the generated Secrets Manager secret (AWS). */
const pageTokenKey = (c: ScanSettings, env: Env): PageTokenKey => {
  if (c.PAGE_TOKEN_SECRET !== undefined) return derivePageTokenKey(c.PAGE_TOKEN_SECRET);
  const arn = c.PAGE_TOKEN_SECRET_ARN!;
  const reader = new SecretsManagerSecretReader(secretsManagerClient(env));
  let derived: { secret: string; key: Buffer } | undefined;
  // Read only when a token is made or checked; derived once per secret value (rotation re-derives).
  return async () => {
    const secret = await reader.read(arn);
    if (derived?.secret !== secret) derived = { secret, key: derivePageTokenKey(secret) };
    return derived.key;
  };
};
type ScanSettings = ReturnType<typeof readConfig<typeof ScanConfig>>;

export const createScanHandler = (env: Env) =>
  httpFunction('scan', env, ScanConfig, (c) =>
    scanRoute({ index: new DynamoScanIndex(documentClient(env), c.IMAGES_TABLE_NAME), tokenKey: pageTokenKey(c, env) }),
  );

export const handler = createScanHandler(process.env);
