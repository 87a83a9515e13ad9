import { planScan, scanResponse, selectImages } from '../core/scan-plan.js';
import { documentClient } from '../adapters/aws-clients/dynamodb.js';
import { DynamoRecordStore } from '../adapters/dynamodb/record-store.js';
import { ScanConfig, type Env } from '../config.js';
import type { RecordStore } from '../ports/record-store.js';
import { httpFunction, json, type Route } from './http.js';

export interface ScanDeps {
  records: RecordStore;
  now?: () => number;
}

/** GET /scan: the token user's images in one group (GSI Query), filtered by labels. */
export const scanRoute =
  ({ records, now = Date.now }: ScanDeps): Route =>
  async (req) => {
    const userId = req.userId();
    const plan = planScan(userId, req.query);
    const candidates = await records.queryGroup(userId, plan);
    return json(200, scanResponse(plan, selectImages(candidates, plan.filters, now())));
  };

export const createScanHandler = (env: Env) =>
  httpFunction('scan', env, ScanConfig, (c) => scanRoute({ records: new DynamoRecordStore(documentClient(env), c.IMAGES_TABLE_NAME) }));

export const handler = createScanHandler(process.env);
