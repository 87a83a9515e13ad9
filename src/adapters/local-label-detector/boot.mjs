// Worker-thread entry for the local label detector. From TypeScript sources
// (npm start, tests, bench) it registers tsx's loader in this thread first:
// Node 20 does not carry the parent's module hooks into worker threads.
import { workerData } from 'node:worker_threads';

const entry = String(workerData.entry);
if (entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(entry);
