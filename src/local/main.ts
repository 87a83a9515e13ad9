/** npm start: the whole backend on this machine (README: The local stack and AWS). */
import './local-defaults.js';
import { formatBanner } from './banner.js';
import { describeStartFailure, probePort } from './start-failure.js';
import { startStack } from './stack.js';
import { createTerminalLog, parseLogLevel } from './terminal-log.js';

const startedAt = Date.now();
const port = Number(process.env.PORT ?? 3000);
const dataDir = process.env.DATA_DIR ?? '.data';
const log = createTerminalLog({ level: parseLogLevel(process.env.LOG_LEVEL) });

const fail = (e: unknown): never => {
  const { message, exitCode } = describeStartFailure(e, { port, dataDir });
  console.error(message);
  process.exit(exitCode);
};

// A busy port is found before anything starts (the stores would otherwise start, then stop again).
await probePort(port).catch(fail);
// dynalite throws outside any promise when LevelDB cannot open (another stack holds DATA_DIR).
process.once('uncaughtException', fail);
const stack = await startStack({
  port,
  dataDir,
  jwtSecret: process.env.JWT_SECRET,
  labelDetector: process.env.LABEL_DETECTOR,
  redriveDeadLetters: process.env.REDRIVE_DLQ === 'true',
  log,
}).catch(fail);
process.off('uncaughtException', fail);

console.log(
  formatBanner({
    url: stack.url,
    dataDir: stack.dataDir,
    labelDetector: stack.labelDetector,
    detectorState: stack.detectorState?.(),
    logLevel: log.level,
    webhookUrl: stack.webhookUrl && `${stack.webhookUrl} (signed with WEBHOOK_SECRET; undeliverable events in ${dataDir}/webhooks/dlq.jsonl)`,
    deadLetters: stack.deadLetters,
    startedInMs: Date.now() - startedAt,
  }),
);

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping (queue contents are saved)…`);
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
