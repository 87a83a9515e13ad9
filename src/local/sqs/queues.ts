import { createServer, type Server } from 'node:http';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createRequestHandler } from 'local-aws-sqs';
import { LOCAL_HOST } from '../constants.js';
import { privateSocket } from '../private-socket.js';
import { startSignedFront } from '../signed-front.js';
import { readSnapshot, writeSnapshot } from './persistence.js';
import { captureQueues, restoreQueues, type QueuePair } from './snapshot.js';

export interface QueueSettings {
  name: string;
  dlqName: string;
  visibilityTimeoutSeconds: number; // of the main queue
  maxReceiveCount: number; // redrive to the DLQ after this many receives
  messageRetentionSeconds?: number;
}

export interface LocalQueues {
  endpoint: string; // http://127.0.0.1:<port>, for SQSClient({ endpoint })
  queueUrl: string;
  queueArn: string;
  dlqUrl: string;
  dlqArn: string;
  close(): Promise<void>; // snapshots queue contents to dataDir (see persistence)
}

export interface LocalQueuesOptions {
  dataDir: string;
  host?: string;
  port?: number;
  region: string;
  accountId: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  queue: QueueSettings;
}

const DEFAULT_RETENTION_SECONDS = 345_600; // SQS default: 4 days
const DLQ_RETENTION_SECONDS = 1_209_600; // SQS maximum: a DLQ should outlive its source's retention

function assertLoopback(host: string): void {
  if (!/^(127(\.\d{1,3}){3}|::1|localhost)$/.test(host)) {
    throw new Error(`local SQS binds loopback only; refusing host ${host}`);
  }
}

function listenOnSocket(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function shutDown(server: Server): Promise<void> {
  // SDK clients keep connections alive; without this close() would wait for them to idle out.
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * Starts local-aws-sqs on a private unix socket, reachable only through a loopback front that
 * verifies SigV4 with `credentials` (see signed-front.ts), with the main queue and its DLQ, restoring the messages
 * saved by the previous `close()`. Stop every poller before calling `close()`.
 */
export async function startLocalQueues(opts: LocalQueuesOptions): Promise<LocalQueues> {
  const host = opts.host ?? LOCAL_HOST;
  assertLoopback(host);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const { service, requestHandler } = createRequestHandler({
    port: opts.port ?? 0,
    hostname: urlHost,
    region: opts.region,
    accountId: opts.accountId,
    emulateQueueCreationLifecycle: false, // a restart recreates the queues at once
    validateDlqDestination: true,
  });
  const server = createServer((req, res) => {
    requestHandler(req, res).catch((err: unknown) => {
      console.error('[local sqs] request failed', err);
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  });
  const socket = await privateSocket('sqs');
  await listenOnSocket(server, socket.path);
  const front = await startSignedFront({ host, port: opts.port, upstreamSocket: socket.path, service: 'sqs', region: opts.region, credentials: opts.credentials }).catch(
    async (err: unknown) => {
      await shutDown(server);
      await socket.remove();
      throw err;
    },
  );
  const stopServing = async () => {
    await front.close();
    await shutDown(server);
    await socket.remove();
  };
  service.PORT = front.port; // queue URLs carry the front's port (the only one clients can reach)
  const endpoint = front.endpoint;
  const client = new SQSClient({ endpoint, region: opts.region, credentials: opts.credentials });

  try {
    const settings = opts.queue;
    const arnOf = (name: string): string => `arn:aws:sqs:${opts.region}:${opts.accountId}:${name}`;
    const dlq = await client.send(
      new CreateQueueCommand({
        QueueName: settings.dlqName,
        Attributes: { MessageRetentionPeriod: String(DLQ_RETENTION_SECONDS), SqsManagedSseEnabled: 'true' },
      }),
    );
    const retentionSeconds = settings.messageRetentionSeconds ?? DEFAULT_RETENTION_SECONDS;
    const main = await client.send(
      new CreateQueueCommand({
        QueueName: settings.name,
        Attributes: {
          VisibilityTimeout: String(settings.visibilityTimeoutSeconds),
          MessageRetentionPeriod: String(retentionSeconds),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf(settings.dlqName), maxReceiveCount: settings.maxReceiveCount }),
          SqsManagedSseEnabled: 'true',
        },
      }),
    );
    const pair: QueuePair = {
      main: { name: settings.name, url: main.QueueUrl ?? '', arn: arnOf(settings.name), retentionSeconds },
      dlq: { name: settings.dlqName, url: dlq.QueueUrl ?? '', arn: arnOf(settings.dlqName), retentionSeconds: DLQ_RETENTION_SECONDS },
      maxReceiveCount: settings.maxReceiveCount,
    };
    const saved = await readSnapshot(opts.dataDir);
    if (saved) await restoreQueues(client, pair, saved);

    let closing: Promise<void> | undefined;
    const close = async (): Promise<void> => {
      try {
        await writeSnapshot(opts.dataDir, await captureQueues(client, pair));
      } finally {
        service.resetAll(); // clears the queues' visibility/retention timers
        client.destroy();
        await stopServing();
      }
    };
    return {
      endpoint,
      queueUrl: pair.main.url,
      queueArn: pair.main.arn,
      dlqUrl: pair.dlq.url,
      dlqArn: pair.dlq.arn,
      close: () => (closing ??= close()),
    };
  } catch (err) {
    client.destroy();
    await stopServing();
    throw err;
  }
}
