import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

/** A fresh temp dir holding the given files (relative paths → bytes). */
export const tempFiles = async (files: Record<string, Uint8Array> = {}, prefix = 'travellog-client-'): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  for (const [name, bytes] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), bytes);
  }
  return dir;
};

/** A fetch that answers `status` for the first `times` calls matching `match`, then delegates. */
export const flakyFetch = (match: (url: string, init?: RequestInit) => boolean, times: number, answer: () => Response | Promise<Response>) => {
  let left = times;
  const calls: string[] = [];
  const f = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    calls.push(`${init?.method ?? 'GET'} ${url}`);
    if (left > 0 && match(url, init)) {
      left--;
      // A real client would have sent the body: drain a stream so nothing dangles.
      if (init?.body instanceof ReadableStream) await init.body.cancel();
      return answer();
    }
    return fetch(input, init);
  }) as typeof fetch;
  return Object.assign(f, { calls });
};

/** A loopback port nothing listens on (bound, then released). */
export const closedPort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
