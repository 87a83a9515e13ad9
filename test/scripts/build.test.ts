import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../src/infra/functions.js';

describe('npm run build', () => {
  it('writes bundles that load where they are built (CommonJS under a "type": "module" repository)', async () => {
    const build = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], { encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
    expect(JSON.parse(await readFile('dist/package.json', 'utf8'))).toEqual({ type: 'commonjs' });
    const names = FUNCTIONS.map((f) => f.name);
    const script = `for (const n of ${JSON.stringify(names)}) { const m = require('./dist/' + n + '/index.js'); if (typeof m.handler !== 'function') throw new Error(n); } console.log('ok')`;
    const load = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, AWS_REGION: 'us-east-1' } });
    expect(load.stderr).not.toMatch(/ERR_REQUIRE_ESM|exports is not defined|Cannot use import/);
    expect(load.stdout.trim(), load.stderr).toBe('ok');
  });
});
