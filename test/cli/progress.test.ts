import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/src/main.js';
import type { Io } from '../../cli/src/io.js';
import { mintToken } from '../../src/local/token.js';
import { solidPng } from '../helpers/images.js';
import { tempFiles } from '../helpers/client.js';
import { bootStack, type Booted } from '../helpers/stack-harness.js';

/** A stream that says it is a terminal, and keeps what is written to it. */
const terminal = () => {
  const s = Object.assign(new PassThrough(), { isTTY: true, columns: 120, text: '' });
  s.on('data', (c: Buffer) => (s.text += c.toString()));
  return s;
};

describe('upload progress on a terminal (in process)', () => {
  let booted: Booted;
  beforeAll(async () => {
    booted = await bootStack();
  });
  afterAll(() => booted?.stack.stop());

  it('draws a bar per picture and an overall bar on stderr, then the summary table on stdout', async () => {
    const dir = await tempFiles(Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`p${i}.png`, solidPng([i, 50, 100], 64, 64)])));
    const stdout = terminal();
    const stderr = terminal();
    const io: Io = { stdout, stderr, env: { API_URL: booted.stack.url, API_TOKEN: await mintToken('tty-user'), NO_COLOR: '1' }, cwd: dir };
    const code = await main(['upload', '.', '--post', '7', '--concurrency', '2'], io);
    expect(code).toBe(0);
    expect(stderr.text).toMatch(/overall\s+\|[█░]+\| \d\/5 pictures/);
    // The bars finish: the last frame of the overall bar is full.
    const frames = [...stderr.text.matchAll(/overall\s+\|[█░]+\| (\d)\/5 pictures/g)].map((m) => m[1]);
    expect(frames.at(-1)).toBe('5');
    expect(stderr.text).toMatch(/(hashing|uploading|registering|done)\s+\|[█░]+\| \d+% p\d\.png/);
    expect(stdout.text).toMatch(/^5\s+p4\.png\s+5\s+uploaded\s+tty-user-[0-9a-f]{6}…[0-9a-f]{4}\.png/m);
    expect(stdout.text).toMatch(/5 uploaded, 0 already there, 0 duplicates, 0 failed \(post 7\)\./);
  });
});
