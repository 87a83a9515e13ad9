/**
 * The local stack in a process of its own, for the crash test: prints `{"url": …}` once up.
 * Arguments: <dataDir> <fixturePath>. The test kills it with SIGKILL.
 */
import { startStack } from '../../src/local/stack.js';

const [dataDir, fixturePath] = process.argv.slice(2);
const stack = await startStack({
  port: 0,
  dataDir,
  labelDetector: `fixture:${fixturePath}`,
  visibilityTimeoutSeconds: 5,
  ttlSweepIntervalMs: 3_600_000,
  env: { ANALYSIS_LEASE_SECONDS: '3', ANALYSIS_WAIT_SECONDS: '1' },
});
process.stdout.write(`${JSON.stringify({ url: stack.url })}\n`);
process.on('SIGTERM', () => void stack.stop().then(() => process.exit(0)));
