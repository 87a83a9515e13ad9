import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook, WebhookVerificationError, type ImageEvent } from '../../client/src/index.js';
import { UsageError } from './errors.js';
import type { Io } from './io.js';

export interface ListenOptions {
  port: number;
  host: string;
  json: boolean;
  /** Stop after this many verified events (scripts, tests); forever when absent. */
  count?: number;
  signal?: AbortSignal;
}

const MAX_BODY = 256 * 1024;

const readBody = async (req: IncomingMessage): Promise<Buffer | undefined> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) return undefined;
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
};

export const describeEvent = (e: ImageEvent, id: string): string => {
  const d = e.data;
  const what =
    e.type === 'image.deleted'
      ? 'deleted'
      : [d.status, d.failure_reason ? `(${d.failure_reason})` : '', d.moderation ? `(${d.moderation.label} ${d.moderation.confidence} ≥ ${d.moderation.threshold})` : '', d.labels?.length ? `labels: ${d.labels.map((l) => `${l.name} ${l.confidence}`).join(', ')}` : '']
          .filter(Boolean)
          .join(' ');
  const posts = d.posts.length ? ` posts: ${d.posts.map((p) => `${p.post_id}/${p.picture_id}`).join(', ')}` : '';
  return `${e.timestamp} ${e.type} ${d.file_name} user ${d.user_id} ${what}${posts} [${id}]`;
};

/**
 * `travellog listen`: a local webhook receiver. Verifies every POST with
 * WEBHOOK_SECRET (from the environment, never a flag: it would show in `ps`),
 * prints each verified event, answers 204 — or 401 to a refused one.
 */
export const listen = async (o: ListenOptions, io: Io): Promise<void> => {
  const secret = io.env.WEBHOOK_SECRET;
  if (!secret) throw new UsageError('Set WEBHOOK_SECRET (whsec_…, the same as the backend-serverless) in the environment.');
  let seen = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((r) => (done = r));
  const server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST') return res.writeHead(405, { allow: 'POST' }).end();
      const body = await readBody(req);
      if (!body) return res.writeHead(413).end();
      try {
        const event = verifyWebhook(req.headers, body, secret);
        const id = String(req.headers['webhook-id']);
        io.stdout.write(`${o.json ? JSON.stringify({ webhook_id: id, ...event }) : describeEvent(event, id)}\n`);
        res.writeHead(204).end();
        if (o.count !== undefined && ++seen >= o.count) done();
      } catch (e) {
        const reason = e instanceof WebhookVerificationError ? e.message : 'body is not JSON';
        io.stderr.write(`refused a webhook from ${req.socket.remoteAddress}: ${reason}\n`);
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid_signature', message: reason }));
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  io.stderr.write(`listening for TravelLog webhooks on http://${o.host}:${port}/ (set WEBHOOK_URL to it); Ctrl-C to stop\n`);
  o.signal?.addEventListener('abort', done);
  await finished;
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
};
