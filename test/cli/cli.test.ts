import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/local/token.js';
import { sha256, solidPng } from '../helpers/images.js';
import { closedPort, tempFiles } from '../helpers/client.js';
import { bootStack, type Booted } from '../helpers/stack-harness.js';

const BIN = fileURLToPath(new URL('../../cli/bin/travellog.js', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the `travellog` bin as a user would (a child process, no TTY). */
const travellog = (args: string[], env: Record<string, string | undefined>, cwd?: string): Promise<Run> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, cwd, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });

const beach = solidPng([250, 210, 140]);
const city = solidPng([70, 70, 90]);
const forest = solidPng([10, 110, 30]);

describe('the travellog CLI (spawned) against the local stack', () => {
  let booted: Booted;
  let folder: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    booted = await bootStack({
      fixture: {
        [sha256(beach)]: [{ name: 'Beach', confidence: 96, parents: [] }],
        [sha256(city)]: [{ name: 'City', confidence: 91, parents: [] }],
      },
    });
    folder = await tempFiles({
      'beach.png': beach,
      'city.png': city,
      'copy-of-beach.png': beach, // a duplicate picture
      'sub/forest.png': forest,
      'notes.txt': Buffer.from('not a picture'),
      '.hidden.png': solidPng([1, 1, 1]),
    });
    env = { API_URL: booted.stack.url, API_TOKEN: await mintToken('456') };
  });
  afterAll(() => booted?.stack.stop());

  it('uploads a folder with a duplicate (--json), then again into a second post (table), then waits, gets, scans and removes', async () => {
    const up = await travellog(['upload', folder, '--post', '100', '--trip', '3', '--location', '5', '--content', 'Día increíble', '--picture-start', '10', '--json'], env);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    const report = JSON.parse(up.stdout) as {
      ok: boolean;
      summary: Record<string, number>;
      results: { path: string; picture_id: number; status: string; file_name?: string; duplicate_of?: string }[];
    };
    expect(report.ok).toBe(true);
    expect(report.summary).toEqual({ total: 4, uploaded: 3, already_uploaded: 0, duplicate: 1, failed: 0 });
    expect(report.results.map((r) => [r.path.slice(folder.length + 1), r.picture_id, r.status])).toEqual([
      ['beach.png', 10, 'uploaded'],
      ['city.png', 11, 'uploaded'],
      ['copy-of-beach.png', 12, 'duplicate'],
      ['sub/forest.png', 13, 'uploaded'],
    ]);
    const beachName = `456-${sha256(beach)}.png`;
    expect(report.results[2]).toMatchObject({ file_name: beachName, duplicate_of: join(folder, 'beach.png') });

    // Same folder, second post, human output: nothing is sent again, every picture is now in both posts.
    const again = await travellog(['upload', folder, '--post', '101', '--wait'], env, folder);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^#\s+file\s+picture\s+result\s+file_name\s+analysis\s+detail$/m);
    expect(again.stdout).toMatch(new RegExp(`^1\\s+beach\\.png\\s+1\\s+already there\\s+${beachName}\\s+approved\\s+stored before`, 'm'));
    expect(again.stdout).toMatch(/0 uploaded, 3 already there, 1 duplicate, 0 failed \(post 101\)\./);
    expect(again.stderr).toMatch(/^\[1\/4\] /m); // per-file progress lines when stderr is not a terminal
    expect(again.stderr).toMatch(/^\[4\/4\] /m);

    // status by file name (--json) and by local path (hashed to find its name)
    const status = await travellog(['status', beachName, '--json'], env);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ status: 'approved', posts: [{ post_id: 100 }, { post_id: 101 }] });
    const wait = await travellog(['wait', join(folder, 'city.png'), '--timeout', '20'], env);
    expect(wait.code).toBe(0);
    expect(wait.stdout).toMatch(/^status\s+approved$/m);
    expect(wait.stdout).toMatch(/^labels\s+City 91$/m);

    const got = await travellog(['get', beachName, '-o', join(folder, 'downloaded.png')], env);
    expect(got.code).toBe(0);
    expect((await readFile(join(folder, 'downloaded.png'))).equals(beach)).toBe(true);

    const scan = await travellog(['scan', '--post', '100', '--json'], env);
    expect(JSON.parse(scan.stdout)).toMatchObject({ grouping: 'post_id', grouping_id: 100, total_count: 3 });
    const byLabel = await travellog(['scan', '--trip', '3', '--label', 'beach>80', '--label', 'city<50'], env);
    expect(byLabel.code).toBe(0);
    expect(byLabel.stdout.trim()).toBe(beachName);
    expect(byLabel.stderr).toMatch(/1 image \(trip_id 3, beach>80 and city<50\)/);

    const rm = await travellog(['rm', beachName], env);
    expect(rm).toMatchObject({ code: 0, stdout: `deleted ${beachName}\n` });
    const gone = await travellog(['status', beachName], env);
    expect(gone.code).toBe(4);
    expect(gone.stderr).toMatch(/^travellog: Not found \(404\): No image/);
  }, 90_000);

  it('reports a failed picture in the summary and exits 1; the others still upload', async () => {
    const dir = await tempFiles({ 'good.png': solidPng([3, 4, 5]), 'animated.gif': Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(40)]) });
    const run = await travellog(['upload', join(dir, 'good.png'), join(dir, 'animated.gif'), '--post', '102'], env, dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^1\s+good\.png\s+1\s+uploaded/m);
    expect(run.stdout).toMatch(/^2\s+animated\.gif\s+2\s+FAILED\s+Refused as invalid \(415 unsupported_media_type\): content_type "image\/gif" is not supported; accepted: image\/jpeg, image\/png\./m);
    expect(run.stdout).toMatch(/1 uploaded, 0 already there, 0 duplicates, 1 failed/);
  });

  it('a clear message and exit code for each error class', async () => {
    const port = await closedPort();
    const [forged, stranger, forbidden, badName, badFilter, noToken, down, missingPath, usage, expired, garbage] = await Promise.all([
      travellog(['scan'], { ...env, API_TOKEN: `${env.API_TOKEN!.slice(0, -3)}xyz` }),
      mintToken('45').then((t) => travellog(['status', `456-${sha256(city)}.png`], { ...env, API_TOKEN: t })),
      travellog(['upload', join(folder, 'city.png'), '--post', '103', '--user', '457', '--json'], env),
      travellog(['status', 'no-such-thing'], env),
      travellog(['scan', '--label', 'beach>>80'], env),
      travellog(['scan'], { API_URL: env.API_URL }),
      travellog(['scan'], { ...env, API_URL: `http://127.0.0.1:${port}` }),
      travellog(['upload', join(folder, 'nope.png'), '--post', '1'], env),
      travellog(['upload', folder], env),
      mintToken('456', { ttlSeconds: -600 }).then((t) => travellog(['scan'], { ...env, API_TOKEN: t })),
      travellog(['status', `456-${sha256(city)}.png`], { ...env, API_TOKEN: 'not-a-token' }),
    ]);
    expect(forged.code).toBe(3);
    expect(forged.stderr).toMatch(/^travellog: Unauthorized \(401\): the token reads well \(user 456, valid until .*\), so its signature was refused: it was signed with another secret than the API's JWT_SECRET/);
    expect(forged.stderr).not.toMatch(/another user|image/); // a scan is about no image
    expect(stranger.code).toBe(3);
    expect(stranger.stderr).toMatch(/^travellog: Unauthorized \(401\): the image belongs to user 456, and the token is user 45's\.$/m);
    expect(expired.code).toBe(3); // said before any request
    expect(expired.stderr).toMatch(/^travellog: API_TOKEN is unusable: the token expired at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(10 minutes ago\)/);
    expect(garbage.code).toBe(3);
    expect(garbage.stderr).toMatch(/API_TOKEN is unusable: the token is not a JWT/);
    expect(forbidden.code).toBe(1);
    expect(JSON.parse(forbidden.stdout).results[0].error).toMatchObject({ kind: 'forbidden', status: 403, code: 'forbidden' });
    expect(badName.code).toBe(2);
    expect(badName.stderr).toMatch(/neither a file name/);
    expect(badFilter.code).toBe(2);
    expect(badFilter.stderr).toMatch(/Refused as invalid \(400 invalid_filter\): Invalid label filter "beach>>80"/);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/No token: set API_TOKEN/);
    expect(down.code).toBe(5);
    expect(down.stderr).toMatch(/Could not reach the API at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)\. Is the API running/);
    expect(missingPath.code).toBe(2);
    expect(missingPath.stderr).toMatch(/No such file or directory: .*nope\.png/);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/required option '--post <id>' not specified/);
  }, 60_000);

  it('token mints a working local token, and refuses a remote API', async () => {
    const minted = await travellog(['token', 'cli-user'], { API_URL: env.API_URL });
    expect(minted.code).toBe(0);
    const scan = await travellog(['scan', '--json'], { API_URL: env.API_URL, API_TOKEN: minted.stdout.trim() });
    expect(JSON.parse(scan.stdout)).toMatchObject({ grouping: 'user_id', grouping_id: 'cli-user', total_count: 0 });
    const remote = await travellog(['token', 'x', '--api-url', 'https://api.example.com'], {});
    expect(remote.code).toBe(2);
    expect(remote.stderr).toMatch(/local stack only/);
  });
});
