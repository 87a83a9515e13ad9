/** `npm run example:backend-server`: the example app server on PORT (default 4000). */
import { resolve } from 'node:path';
import { Store } from './db.js';
import { createApp } from './app.js';

const port = Number(process.env.PORT ?? 4000);
const apiUrl = process.env.API_URL ?? 'http://127.0.0.1:3000';
const jwtSecret = process.env.JWT_SECRET ?? 'local-dev-secret';
const dbPath = process.env.DB_PATH === ':memory:' ? undefined : resolve(process.env.DB_PATH ?? '.data/backend-server-example.sqlite');

const store = await Store.open(dbPath);
// The backend-serverless's WEBHOOK_SECRET: POST /webhooks/travellog is on when it is set.
const webhookSecret = process.env.TRAVELLOG_WEBHOOK_SECRET || undefined;
const server = createApp({ store, apiUrl, jwtSecret, webhookSecret }).listen(port, '127.0.0.1', () => {
  process.stdout.write(`backend-server example on http://127.0.0.1:${port} → pictures in ${apiUrl}; database ${dbPath ?? 'in memory'}\n`);
});
const stop = () => server.close(() => void store.close().then(() => process.exit(0)));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
