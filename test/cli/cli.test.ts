import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/local/token.js';
import { sha256, solidPng } from '../helpers/images.js';
import { closedPort, tempFiles } from '../helpers/client.js';
import { Api, bootStack, type Booted } from '../helpers/stack-harness.js';
import { buildCli } from '../../cli/build.mjs';
import { callerCwd } from '../../cli/src/io.js';
import { shortFileName } from '../../cli/src/table.js';
import pkg from '../../package.json' with { type: 'json' };

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
    await buildCli(); // the bin runs the compiled CLI: test the sources as they are now
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

    // Once stored (the analyzer marks them uploaded; a busy machine may lag), nothing is sent again.
    const owner = await Api.as(booted.stack.url, '456');
    await Promise.all(report.results.filter((r) => r.status === 'uploaded').map((r) => owner.waitFor(r.file_name!, ['approved'], 30_000)));
    // Same folder, second post, human output: nothing is sent again, every picture is now in both posts.
    const again = await travellog(['upload', folder, '--post', '101', '--wait'], env, folder);
    expect(again.code).toBe(0);
    // 80 columns leave no room for the detail column here: it is left out rather than cut to nothing.
    expect(again.stdout).toMatch(/^#\s+file\s+picture\s+result\s+file_name\s+analysis$/m);
    expect(again.stdout).toMatch(new RegExp(`^1\\s+beach\\.png\\s+1\\s+already there\\s+${shortFileName(beachName)}\\s+approved$`, 'm'));
    expect(shortFileName(beachName)).toMatch(/^456-[0-9a-f]{6}…[0-9a-f]{4}\.png$/);
    for (const line of again.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80); // not a terminal: 80 columns
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

    // Pages: the first page says there are more and how to get them; --all follows every page.
    const firstPage = await travellog(['scan', '--post', '100', '--limit', '2'], env);
    expect(firstPage.code).toBe(0);
    expect(firstPage.stdout.trim().split('\n')).toHaveLength(2);
    expect(firstPage.stderr).toMatch(/3 images \(post_id 100, 2 on this page\)/);
    const next = /--next (\S+)/.exec(firstPage.stderr)?.[1];
    expect(next).toEqual(expect.any(String));
    const secondPage = await travellog(['scan', '--post', '100', '--limit', '2', '--next', next!], env);
    expect(secondPage.stdout.trim().split('\n')).toHaveLength(1);
    expect(secondPage.stderr).not.toMatch(/More images/);
    const all = await travellog(['scan', '--post', '100', '--limit', '2', '--all'], env);
    expect(all.stdout.trim().split('\n').sort()).toEqual([...firstPage.stdout.trim().split('\n'), ...secondPage.stdout.trim().split('\n')].sort());
    expect(all.stderr).not.toMatch(/More images/);
    expect((await travellog(['scan', '--limit', '1001'], env)).code).toBe(2);

    const rm = await travellog(['rm', beachName], env);
    expect(rm).toMatchObject({ code: 0, stdout: `deleted ${beachName}\n` });
    const gone = await travellog(['status', beachName], env);
    expect(gone.code).toBe(4);
    expect(gone.stderr).toMatch(/^travellog: Not found \(404\): No image/);
  }, 90_000);

  it('checks type and size before uploading: refused files take no picture id; the others still upload; exit 1', async () => {
    const dir = await tempFiles({
      'a-gif.gif': Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(40)]),
      'good.png': solidPng([3, 4, 5]),
      'empty.jpg': Buffer.alloc(0),
      'renamed.png': Buffer.from('plain text, not a picture'),
      'next.png': solidPng([3, 4, 6]),
    });
    const files = ['a-gif.gif', 'good.png', 'empty.jpg', 'renamed.png', 'next.png'];
    const run = await travellog(['upload', ...files, '--post', '102', '--picture-start', '5'], env, dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^1\s+a-gif\.gif\s+—\s+FAILED\s/m);
    expect(run.stdout).toMatch(/^2\s+good\.png\s+5\s+uploaded/m);
    expect(run.stdout).toMatch(/^5\s+next\.png\s+6\s+uploaded/m); // picture ids count accepted pictures only
    expect(run.stdout).toMatch(/^✗ #1 a-gif\.gif: Not uploaded: it is a GIF, not a JPEG or PNG \(the API accepts image\/jpeg and image\/png\)$/m);
    expect(run.stdout).toMatch(/^✗ #3 empty\.jpg: Not uploaded: the file is empty$/m);
    expect(run.stdout).toMatch(/^✗ #4 renamed\.png: Not uploaded: it is not a picture, not a JPEG or PNG/m);
    expect(run.stdout).toMatch(/2 uploaded, 0 already there, 0 duplicates, 3 failed/);
    expect(run.stderr).toMatch(/^\[5\/5\] /m);
    const json = JSON.parse((await travellog(['upload', 'a-gif.gif', '--post', '102', '--json'], env, dir)).stdout);
    expect(json.results[0]).toMatchObject({ status: 'failed', picture_id: null, error: { kind: 'refused_locally' } });
  });

  it('fits 80 columns (short names; --wide for full ones), colours only when wanted, prints its version', async () => {
    const long = 'a-very-long-picture-name-from-a-camera-roll-2026-11-29-21-00-00.png';
    const dir = await tempFiles({ [long]: solidPng([9, 9, 9]) });
    const narrow = await travellog(['upload', long, '--post', '104'], env, dir);
    expect(narrow.code).toBe(0);
    for (const line of narrow.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(narrow.stdout).toContain('a-very-long…21-00-00.png');
    const wide = await travellog(['upload', long, '--post', '104', '--wide'], env, dir);
    expect(wide.stdout).toContain(long);
    expect(wide.stdout).toMatch(/456-[0-9a-f]{64}\.png/);

    const ESC = '\u001b[';
    const forced = await travellog(['upload', long, '--post', '104'], { ...env, FORCE_COLOR: '1' }, dir);
    expect(forced.stdout).toContain(ESC);
    const noColor = await travellog(['upload', long, '--post', '104'], { ...env, FORCE_COLOR: '1', NO_COLOR: '1' }, dir);
    expect(noColor.stdout).not.toContain(ESC);
    const flag = await travellog(['upload', long, '--post', '104', '--no-color'], { ...env, FORCE_COLOR: '1' }, dir);
    expect(flag.stdout).not.toContain(ESC);
    expect(flag.stdout).toContain('already there');

    const version = await travellog(['--version'], {});
    expect(version).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it('get writes into the caller\'s directory and refuses to overwrite without --force; scan -l shows status and labels', async () => {
    const dir = await tempFiles({ 'city.png': city });
    const name = `456-${sha256(city)}.png`;
    const first = await travellog(['get', name], env, dir);
    expect(first.code).toBe(0);
    expect((await readFile(join(dir, name))).equals(city)).toBe(true);
    await writeFile(join(dir, name), 'mine, keep it');
    const again = await travellog(['get', name], env, dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists: pass --force to overwrite it, or -o another path/);
    expect(await readFile(join(dir, name), 'utf8')).toBe('mine, keep it');
    const forced = await travellog(['get', name, '--force'], env, dir);
    expect(forced.code).toBe(0);
    expect((await readFile(join(dir, name))).equals(city)).toBe(true);

    const long = await travellog(['scan', '--label', 'city>50', '-l'], env);
    expect(long.code).toBe(0);
    // The image has variants now (made by the analyzer), so the listing shows its thumbnail's URL too.
    expect(long.stdout).toMatch(/^file_name\s+status\s+labels\s+thumbnail$/m);
    expect(long.stdout).toMatch(new RegExp(`^${shortFileName(name)}\\s+approved\\s+City 91\\s+http\\S+variant|^${shortFileName(name)}\\s+approved\\s+City 91\\s+\\S+`, 'm'));
  });

  it('npm run cli resolves relative paths against the caller\'s directory (INIT_CWD), not the repository', async () => {
    expect(callerCwd({ npm_lifecycle_event: 'cli', INIT_CWD: '/home/me/photos' }, '/repo')).toBe('/home/me/photos');
    expect(callerCwd({ npm_lifecycle_event: 'test', INIT_CWD: '/elsewhere' }, '/here')).toBe('/here');
    const dir = await tempFiles({ 'here.png': solidPng([7, 7, 7]) });
    const repo = fileURLToPath(new URL('../../', import.meta.url));
    const run = await new Promise<Run>((resolve) =>
      execFile('npm', ['--prefix', repo, 'run', '-s', 'cli', '--', 'upload', './here.png', '--post', '105', '--json'], { cwd: dir, env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
      ),
    );
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout).results[0]).toMatchObject({ path: join(dir, 'here.png'), status: 'uploaded' });
  }, 60_000);

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
