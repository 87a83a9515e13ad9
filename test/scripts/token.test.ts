import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';

const TSX = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../../scripts/token.ts', import.meta.url));
const run = (args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(process.execPath, [TSX, SCRIPT, ...args], { timeout: 30_000 }, (e, stdout, stderr) => resolve({ code: e ? (e.code as number) : 0, stdout, stderr })),
  );

describe('npm run token', () => {
  it('mints a token with the lifetime asked', async () => {
    const r = await run(['456', '60']);
    expect(r.code).toBe(0);
    const claims = decodeJwt(r.stdout.trim());
    expect(claims.user_id).toBe(456);
    expect(claims.exp! - claims.iat!).toBe(60);
  });

  it('refuses a bad lifetime or user id in one line, exit 2, no stack trace', async () => {
    for (const args of [['456', 'abc'], ['a b'], []]) {
      const r = await run(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^token: .*\(usage: npm run token -- <user_id> \[ttl_seconds\]\)$/m);
    }
    expect((await run(['456', 'abc'])).stderr).toContain('"abc" is not a lifetime in seconds');
  });
});
