/**
 * `travellog`: the backend-server integration from a terminal, on the client
 * library. Run `travellog --help` (or `npm run cli -- --help`).
 */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { createClient, diagnoseToken, downloadToFile, FILE_NAME_PATTERN, FINAL_STATUSES, isCertainRefusal, ScanQuery, USER_ID_PATTERN, type ImageRecord, type NodeClient, type Variant } from '../../client/src/index.js';
import { DEFAULT_LOCAL_SECRET, mintToken } from '../../src/local/token.js';
import { describeError, EXIT, TokenError, UsageError, type ErrorContext } from './errors.js';
import { colorsFor, processIo, type Io } from './io.js';
import { formatBytes } from './table.js';
import { listen } from './listen.js';
import { printLongListing } from './listing.js';
import pkg from '../../package.json' with { type: 'json' };
import { runUpload } from './upload.js';

const DEFAULT_API_URL = 'http://127.0.0.1:3000';

const positiveInt = (name: string) => (v: string) => {
  if (!/^\d{1,15}$/.test(v) || Number(v) < 1) throw new InvalidArgumentError(`${name} must be a positive integer.`);
  return Number(v);
};
const collect = (v: string, all: string[]) => [...all, v];

interface Globals {
  apiUrl?: string;
  token?: string;
  json?: boolean;
  color: boolean;
  wide?: boolean;
}

const HELP_AFTER = `
Configuration:
  API_URL     the API's base URL (default ${DEFAULT_API_URL}, the local stack)
  API_TOKEN   the user's JWT (for the local stack: export API_TOKEN=$(travellog token 456))
  NO_COLOR    any value: no colour (like --no-color); FORCE_COLOR=1 colours a pipe too

Exit codes:
  0 ok · 1 a picture, an analysis or the API failed · 2 usage or invalid request
  3 unauthorized/forbidden · 4 not found · 5 API unreachable · 6 timed out

Examples:
  travellog upload ./trip-photos --post 123 --trip 3 --location 5 --content "Día increíble"
  travellog upload a.jpg b.png --post 123 --picture-start 10 --json
  travellog wait 456-<sha256>.jpg && travellog get 456-<sha256>.jpg -o beach.jpg
  travellog scan --trip 3 --label 'beach>80' --label 'cat<50'
  WEBHOOK_SECRET=whsec_… travellog listen --port 4100   # with WEBHOOK_URL=http://127.0.0.1:4100/ on npm start
  travellog scan --label 'beach>80' --all        (every page; without --all: the first page, and how to get the next)
`;

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  let exit: number = EXIT.ok;
  /** What the running command is about, for its error messages. */
  const context: ErrorContext = {};
  const out = (s: string) => io.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
  const err = (s: string) => io.stderr.write(s.endsWith('\n') ? s : `${s}\n`);

  const program = new Command('travellog')
    .description('Upload pictures to TravelLog backend-serverless, follow their analysis, fetch and search them.')
    .option('--api-url <url>', `API base URL (env API_URL, default ${DEFAULT_API_URL})`)
    .option('--token <jwt>', "the user's JWT (env API_TOKEN)")
    .option('--no-color', 'no colour (also when NO_COLOR is set, or output is not a terminal)')
    .option('--wide', 'full file names and messages, however wide (default: fit the terminal, or 80 columns)')
    .version(pkg.version, '-v, --version', 'print the version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .addHelpText('after', HELP_AFTER)
    .exitOverride();

  const apiUrlOf = (cmd?: Command) => (cmd ?? program).optsWithGlobals<Globals>().apiUrl ?? io.env.API_URL ?? DEFAULT_API_URL;

  const clientFor = (cmd: Command, user?: string): NodeClient => {
    const g = cmd.optsWithGlobals<Globals>();
    const token = g.token ?? io.env.API_TOKEN;
    const apiUrl = apiUrlOf(cmd);
    if (!token) {
      throw new UsageError('No token: set API_TOKEN or pass --token (for the local stack: export API_TOKEN=$(travellog token <user_id>)).');
    }
    if (!/^https?:\/\/[^/]/.test(apiUrl)) throw new UsageError(`API_URL is not an http(s) URL: ${apiUrl}`);
    // Refusals that no API setting would accept are said before any request (the API's 401 cannot say why).
    const { problem } = diagnoseToken(token);
    if (isCertainRefusal(problem)) throw new TokenError(`API_TOKEN is unusable: ${problem!.message}`);
    return createClient({ baseUrl: apiUrl, token, ...(user !== undefined ? { userId: user } : {}) });
  };

  /** A file name as the API gives it, or a local picture whose file name is computed (hash + the token's user). */
  const fileNameOf = async (client: NodeClient, arg: string): Promise<string> => {
    let name = arg;
    if (!FILE_NAME_PATTERN.test(arg)) {
      const info = await stat(resolve(io.cwd, arg)).catch(() => undefined);
      if (!info?.isFile()) throw new UsageError(`"${arg}" is neither a file name (<user_id>-<sha256>.<jpg|png>) nor a local picture.`);
      name = await client.fileNameOf(await client.hashPicture(resolve(io.cwd, arg)));
    }
    context.fileOwner = name.slice(0, name.lastIndexOf('-'));
    return name;
  };

  const fileHelp = 'a file name (<user_id>-<sha256>.<jpg|png>) or a local picture (hashed to find its name)';

  const printRecord = (r: ImageRecord) => {
    const rows: [string, string][] = [
      ['file_name', r.file_name],
      ['status', r.status + (r.failure_reason ? ` (${r.failure_reason})` : '')],
      ['labels', r.rekognition_results.map((l) => `${l.name} ${l.confidence}`).join(', ') || '—'],
      ['analysis', r.analysis_source ?? '—'],
      ['posts', r.posts.map((p) => `post ${p.post_id} picture ${p.picture_id} (trip ${p.trip_id ?? '—'}, location ${p.location_id ?? '—'})`).join('; ') || '—'],
      ['size', r.object_size === null ? '—' : formatBytes(r.object_size)],
      ['created', r.created_at],
      ['uploaded', r.uploaded_at ?? '—'],
      ['analysed', r.analysed_at ?? '—'],
      ...(r.expires_at ? ([['expires', `${r.expires_at} (never uploaded)`]] as [string, string][]) : []),
    ];
    out(rows.map(([k, v]) => `${k.padEnd(10)} ${v}`).join('\n'));
  };

  program
    .command('upload')
    .description('hash, register and upload pictures of one post (one receiver call per distinct picture)')
    .argument('<paths...>', 'picture files, or directories searched for .jpg/.jpeg/.png')
    .requiredOption('--post <id>', 'post_id of the pictures', positiveInt('--post'))
    .option('--trip <id>', 'trip_id of the post', positiveInt('--trip'))
    .option('--location <id>', 'location_id of the post', positiveInt('--location'))
    .option('--content <text>', "the post's text", '')
    .option('--picture-start <n>', 'picture_id of the first picture; the next ones count up', positiveInt('--picture-start'), 1)
    .option('--user <id>', "user_id to send (default: the token's user)")
    .option('--concurrency <n>', 'pictures in flight at once', positiveInt('--concurrency'), 4)
    .option('--wait', 'also wait for each analysis and show its status', false)
    .option('--wait-timeout <s>', 'seconds to wait for each analysis with --wait', positiveInt('--wait-timeout'), 120)
    .option('--json', 'print the results as JSON (for scripts)', false)
    .option('--no-progress', 'no progress bars')
    .addHelpText(
      'after',
      '\nA picture repeated in the batch (same SHA-256) is uploaded once and reported as a duplicate;\none stored before is registered again (kept in both posts) but not sent again.',
    )
    .action(async (paths: string[], flags, cmd: Command) => {
      const g = cmd.optsWithGlobals<Globals>();
      exit = await runUpload(clientFor(cmd, flags.user), paths, { ...flags, waitTimeout: flags.waitTimeout, wide: !!g.wide, color: g.color }, io);
    });

  program
    .command('status')
    .description("an image's record: status, labels, posts")
    .argument('<file>', fileHelp)
    .option('--json', 'print the record as JSON', false)
    .action(async (file: string, flags: { json: boolean }, cmd: Command) => {
      const client = clientFor(cmd);
      const record = await client.status(await fileNameOf(client, file));
      if (flags.json) out(JSON.stringify(record, null, 2));
      else printRecord(record);
    });

  program
    .command('wait')
    .description('wait until the analysis ends; exit 0 when approved, under review or rejected, 1 when failed')
    .argument('<file>', fileHelp)
    .option('--timeout <s>', 'give up after this many seconds (exit 6)', positiveInt('--timeout'), 120)
    .option('--json', 'print the final record as JSON', false)
    .action(async (file: string, flags: { timeout: number; json: boolean }, cmd: Command) => {
      const client = clientFor(cmd);
      const name = await fileNameOf(client, file);
      let last = '';
      const record = await client.waitForAnalysis(name, {
        timeoutMs: flags.timeout * 1000,
        until: FINAL_STATUSES,
        onStatus: (r) => {
          if (!flags.json && r.status !== last && io.stderr.isTTY) err(`${name}: ${r.status}`);
          last = r.status;
        },
      });
      if (flags.json) out(JSON.stringify(record, null, 2));
      else printRecord(record);
      if (record.status === 'failed') exit = EXIT.failed;
    });

  program
    .command('get')
    .description('download the original, or its thumb or preview (through a short-lived /obtain URL)')
    .argument('<file>', fileHelp)
    .option('-o, --output <path>', 'where to write it: a file, a directory, or - for stdout (default: <file_name>, or <name>.<variant>.jpg for a variant, in the current directory)')
    .addOption(new Option('--variant <name>', 'thumb (long side ≤ 320 px), preview (≤ 1600 px) or original').choices(['original', 'thumb', 'preview']).default('original'))
    .option('--url', 'print the presigned URL instead of downloading', false)
    .option('-f, --force', 'overwrite the file if it exists', false)
    .action(async (file: string, flags: { output?: string; url: boolean; force: boolean; variant: Variant }, cmd: Command) => {
      const client = clientFor(cmd);
      const name = await fileNameOf(client, file);
      const variant = flags.variant;
      if (flags.url) {
        out((await client.obtainUrl(name, { variant })).url);
        return;
      }
      if (flags.output === '-') {
        const { body } = await client.download(name, { variant });
        await pipeline(Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>), io.stdout);
        return;
      }
      // Variants are JPEG whatever the original was: name the file so.
      const defaultName = variant === 'original' ? name : `${name.replace(/\.(jpg|png)$/, '')}.${variant}.jpg`;
      let target = resolve(io.cwd, flags.output ?? defaultName);
      if ((await stat(target).catch(() => undefined))?.isDirectory()) target = join(target, defaultName);
      if (!flags.force && (await stat(target).catch(() => undefined))) {
        throw new UsageError(`${target} already exists: pass --force to overwrite it, or -o another path.`);
      }
      const bytes = await downloadToFile(client, name, target, { variant });
      err(`${name}${variant === 'original' ? '' : ` (${variant})`} → ${target} (${formatBytes(bytes)})`);
    });

  program
    .command('scan')
    .description("search the token user's images by one grouping and label filters")
    .addOption(new Option('--post <id>', 'images of a post').argParser(positiveInt('--post')).conflicts(['trip', 'location']))
    .addOption(new Option('--trip <id>', 'images of a trip').argParser(positiveInt('--trip')).conflicts(['location']))
    .addOption(new Option('--location <id>', 'images of a location').argParser(positiveInt('--location')))
    .option('--label <filter>', "label filter, repeatable and AND-ed: 'beach>80' (has Beach above 80), 'cat<50' (no Cat, or below 50)", collect, [])
    .option('-l, --long', 'one line per image: status, labels, thumbnail URL (one GET /images per image)', false)
    .option('--limit <n>', 'images per page, 1–1000 (default: the API\'s 1000)', positiveInt('--limit'))
    .option('--next <token>', 'the page after the one that printed this next_token')
    .option('--all', 'follow next_token to the last page and print every image', false)
    .option('--json', 'print the API answer as JSON (with --all: every image in one answer)', false)
    .action(
      async (
        flags: { post?: number; trip?: number; location?: number; label: string[]; limit?: number; next?: string; all: boolean; json: boolean; long: boolean },
        cmd: Command,
      ) => {
        const client = clientFor(cmd);
        const base = flags.post ? ScanQuery.byPost(flags.post) : flags.trip ? ScanQuery.byTrip(flags.trip) : flags.location ? ScanQuery.byLocation(flags.location) : ScanQuery.all();
        const query = flags.label.reduce((q, l) => q.label(l as `${string}>${number}`), base);
        if (flags.limit !== undefined && flags.limit > 1000) throw new UsageError('--limit must be at most 1000');
        if (flags.all && flags.next) throw new UsageError('--all and --next do not go together');
        const result = flags.all
          ? await client.scanAll(query, { limit: flags.limit })
          : await client.scan(query, { limit: flags.limit, nextToken: flags.next });
        if (flags.json) {
          out(JSON.stringify(result, null, 2));
          return;
        }
        const filters = result.filters.map((x) => `${x.name}${x.operator}${x.confidence_threshold}`).join(' and ');
        const shown = result.images.length < result.total_count ? `, ${result.images.length} on this page` : '';
        err(`${result.total_count} image${result.total_count === 1 ? '' : 's'} (${result.grouping} ${result.grouping_id}${filters ? `, ${filters}` : ''}${shown})`);
        if (result.images.length) {
          const g = cmd.optsWithGlobals<Globals>();
          if (flags.long) await printLongListing(client, result.images, { apiUrl: apiUrlOf(cmd), wide: !!g.wide, color: g.color }, io);
          else out(result.images.join('\n'));
        }
        if (result.next_token) err(`More images: add --next ${result.next_token} for the next page, or --all for every page.`);
      },
    );

  program
    .command('rm')
    .description('delete images: the object, the record and every post placement (idempotent)')
    .argument('<files...>', fileHelp)
    .action(async (files: string[], _flags, cmd: Command) => {
      const client = clientFor(cmd);
      for (const f of files) {
        const name = await fileNameOf(client, f);
        await client.delete(name);
        out(`deleted ${name}`);
      }
    });

  program
    .command('listen')
    .description('receive webhooks: verify each with WEBHOOK_SECRET (env) and print it (Ctrl-C to stop)')
    .option('--port <n>', 'port to listen on', positiveInt('--port'), 4100)
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .option('--count <n>', 'exit after this many verified events', positiveInt('--count'))
    .option('--json', 'one JSON object per line: webhook_id and the event')
    .action(async (flags: { port: number; host: string; count?: number; json?: boolean }) => {
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      try {
        await listen({ port: flags.port, host: flags.host, count: flags.count, json: !!flags.json, signal: stop.signal }, io);
      } finally {
        process.off('SIGINT', onSignal);
      }
    });

  program
    .command('token')
    .description("mint a JWT for the local stack's secret (JWT_SECRET, default the local one); never for a deployed API")
    .argument('<user_id>', 'the user id to put in the token')
    .option('--ttl <s>', 'lifetime in seconds', positiveInt('--ttl'), 3600)
    .option('--claim <name>', 'the claim carrying the user id', 'user_id')
    .action(async (userId: string, flags: { ttl: number; claim: string }) => {
      if (!USER_ID_PATTERN.test(userId)) throw new UsageError(`"${userId}" is not a valid user id (letters, digits, _ and -; at most 128).`);
      const api = new URL(apiUrlOf());
      if (!/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(api.hostname)) {
        throw new UsageError(`token mints tokens for the local stack only; API_URL is ${api.origin}. Get a token from your backend-server.`);
      }
      const secret = io.env.JWT_SECRET ?? DEFAULT_LOCAL_SECRET;
      out(await mintToken(userId, { secret, ttlSeconds: flags.ttl, claim: flags.claim }));
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exit;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? EXIT.ok : EXIT.usage;
    }
    const { message, exit: code } = describeError(e, { ...context, apiUrl: apiUrlOf() });
    const c = colorsFor(io.stderr, io.env, !argv.includes('--no-color'));
    err(`${c.red('travellog:')} ${message}`);
    return code;
  }
}

// `tsx cli/src/main.ts …` (npm run cli); the bin calls main() itself.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
