/** Why `npm start` could not start, said plainly, with an exit code (no stack trace for the usual causes). */
import { createServer } from 'node:net';
import { LOCAL_HOST } from './constants.js';

/** Exit codes of `npm start` (documented in the README's troubleshooting section). */
export const START_EXIT = { failed: 1, portInUse: 2, dataDirLocked: 3, permission: 4 } as const;

/** Resolves when `port` can be bound on the stack's loopback address; rejects with the listen error otherwise. */
export const probePort = (port: number, host = LOCAL_HOST): Promise<void> =>
  new Promise((resolve, reject) => {
    if (port === 0) return resolve();
    const server = createServer();
    server.once('error', reject);
    server.listen(port, host, () => server.close(() => resolve()));
  });

export const describeStartFailure = (e: unknown, o: { port: number; dataDir: string }): { message: string; exitCode: number } => {
  const err = e as NodeJS.ErrnoException & { cause?: unknown };
  const text = `${err?.message ?? String(e)} ${String((err?.cause as Error | undefined)?.message ?? '')}`;
  if (err?.code === 'EADDRINUSE') {
    return {
      message:
        `Port ${o.port} is already in use (another \`npm start\`, or another server).\n` +
        `  Stop it, or pick another port: PORT=${o.port + 1} npm start\n` +
        `  Who holds it: lsof -iTCP:${o.port} -sTCP:LISTEN  (or: ss -ltnp 'sport = :${o.port}')`,
      exitCode: START_EXIT.portInUse,
    };
  }
  if (/\bLOCK\b|lock hold|Resource temporarily unavailable|Database is closed/i.test(text)) {
    return {
      message:
        `The data directory ${o.dataDir} is in use by another local stack (its database cannot be opened).\n` +
        `  Stop the other \`npm start\`, or use another directory: DATA_DIR=/tmp/travellog-2 npm start`,
      exitCode: START_EXIT.dataDirLocked,
    };
  }
  if (err?.code === 'EACCES' || err?.code === 'EPERM') {
    return {
      message: `Permission denied: ${err.path ?? err.message}. ` + (err.syscall === 'listen' ? `Ports below 1024 need root; use PORT=3000 or above.` : `Check the owner of ${o.dataDir}.`),
      exitCode: START_EXIT.permission,
    };
  }
  return { message: `The local stack could not start: ${err instanceof Error ? (err.stack ?? err.message) : String(e)}`, exitCode: START_EXIT.failed };
};
