#!/usr/bin/env node
// The `travellog` bin: runs the TypeScript CLI through tsx's loader (a dependency of this repo).
import process from 'node:process';
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
