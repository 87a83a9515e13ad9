import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A unix socket path in a fresh directory only this user can enter (0700), for a stand-in
 * that verifies nothing itself: no other local user can connect to it, and it has no TCP port
 * at all. (Processes of the same user can read the data directory anyway.) In the OS temp
 * directory because socket paths are limited to ~100 bytes.
 */
export async function privateSocket(name: string): Promise<{ path: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `travellog-${name}-`));
  await chmod(dir, 0o700);
  return { path: join(dir, `${name}.sock`), remove: () => rm(dir, { recursive: true, force: true }) };
}
