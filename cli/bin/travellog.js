#!/usr/bin/env node
// The `travellog` bin: runs the compiled CLI (cli/dist/travellog.mjs, built by `npm ci`, `npm test`
// and `npm start` through cli/build.mjs), building it first when it is missing.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/travellog.mjs', import.meta.url);
if (!existsSync(entry)) {
  const { buildCli } = await import('../build.mjs');
  await buildCli();
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
