import { relative } from 'node:path';
import cliProgress from 'cli-progress';
import pLimit from 'p-limit';
import type { BulkOutcome, NodeClient, UploadMeta, UploadProgress } from '../../client/src/index.js';
import { describeError, errorJson, EXIT, UsageError } from './errors.js';
import { expandPaths } from './files.js';
import { colorsFor, widthOf, type Colors, type Io } from './io.js';
import { preflightProblem } from './preflight.js';
import { ellipsize, formatBytes, shortFileName, table } from './table.js';

export interface UploadFlags {
  post: number;
  trip?: number;
  location?: number;
  content?: string;
  pictureStart: number;
  user?: string;
  concurrency: number;
  wait: boolean;
  waitTimeout: number;
  json: boolean;
  progress: boolean;
  /** Full names and messages, whatever the width. */
  wide?: boolean;
  /** False with --no-color. */
  color?: boolean;
}

interface Reporter {
  progress(index: number, p: UploadProgress): void;
  settled(o: BulkOutcome): void;
  stop(): void;
}

const RESULT: Record<BulkOutcome['status'], string> = {
  uploaded: 'uploaded',
  already_uploaded: 'already there',
  duplicate: 'duplicate',
  failed: 'FAILED',
};

/** Bars on a terminal: one per picture in flight, and one overall. */
const barsReporter = (io: Io, names: string[]): Reporter => {
  const multi = new cliProgress.MultiBar(
    {
      stream: io.stderr,
      format: ' {phase} |{bar}| {percentage}% {name}',
      hideCursor: true,
      // Each picture's bar goes when it settles; the overall bar stays, finished, above the summary.
      clearOnComplete: false,
      autopadding: true,
      barsize: 24,
    },
    cliProgress.Presets.shades_classic,
  );
  const overall = multi.create(names.length, 0, { phase: 'overall    ', name: '' }, { format: ' {phase} |{bar}| {value}/{total} pictures {name}' });
  const bars = new Map<number, cliProgress.SingleBar>();
  let sent = 0;
  const lastSent = new Map<number, number>();
  const phaseLabel = (p: UploadProgress) => p.phase.padEnd(11);
  return {
    progress(index, p) {
      let bar = bars.get(index);
      const total = Math.max(1, p.total ?? 1);
      if (!bar) {
        bar = multi.create(total, 0, { phase: phaseLabel(p), name: names[index] });
        bars.set(index, bar);
      }
      if (p.phase === 'uploading') {
        sent += p.loaded - (lastSent.get(index) ?? 0);
        lastSent.set(index, p.loaded);
        overall.update({ name: `· ${formatBytes(sent)} sent` });
      }
      bar.setTotal(total);
      bar.update(p.phase === 'registering' ? 0 : p.loaded, { phase: phaseLabel(p) });
      // A hashed picture waits for an upload slot: its bar comes back when it registers.
      if (p.phase === 'hashing' && p.loaded >= total) {
        multi.remove(bar);
        bars.delete(index);
      }
    },
    settled(o) {
      const bar = bars.get(o.index);
      if (bar) multi.remove(bar);
      bars.delete(o.index);
      overall.increment();
    },
    stop() {
      for (const bar of bars.values()) multi.remove(bar);
      overall.update(names.length);
      multi.update(); // draw the final state before stopping, or the last increment is never shown
      multi.stop();
    },
  };
};

/** Lines when stderr is not a terminal (CI logs, pipes). */
const linesReporter = (io: Io, names: string[], c: Colors, total: number, offset: number): Reporter => {
  let done = offset;
  return {
    progress() {},
    settled(o) {
      done++;
      const where = o.status === 'failed' ? describeError(o.error).message : o.result.file_name;
      io.stderr.write(`[${done}/${total}] ${paintResult(c, o.status, RESULT[o.status].padEnd(13))} ${names[o.index]} → ${where}\n`);
    },
    stop() {},
  };
};

const paintResult = (c: Colors, status: BulkOutcome['status'], text: string) => (status === 'failed' ? c.red(text) : status === 'uploaded' ? c.green(text) : text);
const paintAnalysis = (c: Colors, status: string) =>
  status === 'approved' ? c.green(status) : status === 'under_review' ? c.yellow(status) : status === 'rejected' || status === 'failed' || status.startsWith('unknown') ? c.red(status) : status;

/** A file refused before any request: an outcome like the client's, so the summary shows it. */
class RefusedLocally extends UsageError {
  readonly kind = 'refused_locally';
}

const silentReporter: Reporter = { progress() {}, settled() {}, stop() {} };

/** `travellog upload`: one receiver call per distinct picture, progress, a summary; exit 1 when any failed. */
export const runUpload = async (client: NodeClient, paths: string[], f: UploadFlags, io: Io): Promise<number> => {
  const files = await expandPaths(paths, io.cwd);
  if (!files.length) throw new UsageError('No pictures found (directories are searched for .jpg, .jpeg and .png files).');
  const names = files.map((p) => relative(io.cwd, p) || p);
  const c = colorsFor(io.stdout, io.env, f.color !== false);
  const ce = colorsFor(io.stderr, io.env, f.color !== false);

  // Type (by content) and size, before any request; refused files take no picture id.
  const problems = await Promise.all(files.map((p) => preflightProblem(p).catch((e: unknown) => describeError(e).message)));
  const accepted = files.flatMap((_, i) => (problems[i] ? [] : [i]));
  const pictureIdOf = new Map(accepted.map((fileIndex, k) => [fileIndex, f.pictureStart + k]));
  const refused: BulkOutcome[] = files.flatMap((_, i) => (problems[i] ? [{ index: i, status: 'failed' as const, error: new RefusedLocally(`Not uploaded: ${problems[i]}`) }] : []));

  const meta = (fileIndex: number): UploadMeta => ({
    post_id: f.post,
    picture_id: pictureIdOf.get(fileIndex)!,
    trip_id: f.trip ?? null,
    location_id: f.location ?? null,
    content: f.content ?? '',
    ...(f.user !== undefined ? { user_id: /^\d{1,15}$/.test(f.user) ? Number(f.user) : f.user } : {}),
  });

  const acceptedNames = accepted.map((i) => names[i]!);
  const reporter = f.json ? silentReporter : f.progress && io.stderr.isTTY ? barsReporter(io, acceptedNames) : linesReporter(io, acceptedNames, ce, files.length, refused.length);
  const lines = f.json || (f.progress && io.stderr.isTTY) ? undefined : linesReporter(io, names, ce, files.length, 0);
  for (const o of refused) lines?.settled(o);
  let uploaded: BulkOutcome[] = [];
  if (accepted.length) {
    try {
      uploaded = await client.uploadPictures(
        accepted.map((fileIndex) => ({ source: files[fileIndex]!, meta: meta(fileIndex) })),
        { concurrency: f.concurrency, onProgress: (i, p) => reporter.progress(i, p), onSettled: (o) => reporter.settled(o) },
      );
    } finally {
      reporter.stop();
    }
  }
  // Back to indexes over all files.
  const outcomes: BulkOutcome[] = [
    ...refused,
    ...uploaded.map((o) => ({ ...o, index: accepted[o.index]!, ...('duplicateOf' in o && o.duplicateOf !== undefined ? { duplicateOf: accepted[o.duplicateOf]! } : {}) }) as BulkOutcome),
  ].sort((a, b) => a.index - b.index);

  // --wait: the analysis of each distinct picture stored.
  const analysis = new Map<string, string>();
  if (f.wait) {
    const limit = pLimit(f.concurrency);
    const stored = [...new Set(outcomes.flatMap((o) => (o.status === 'failed' ? [] : [o.result.file_name])))];
    await Promise.all(
      stored.map((name) =>
        limit(async () => {
          try {
            analysis.set(name, (await client.waitForAnalysis(name, { timeoutMs: f.waitTimeout * 1000 })).status);
          } catch (e) {
            analysis.set(name, `unknown (${describeError(e).message})`);
          }
        }),
      ),
    );
  }

  const count = (s: BulkOutcome['status']) => outcomes.filter((o) => o.status === s).length;
  const failed = count('failed');
  const analysisFailed = [...analysis.values()].some((s) => s !== 'approved' && s !== 'under_review' && s !== 'rejected');
  if (f.json) {
    io.stdout.write(
      `${JSON.stringify(
        {
          ok: failed === 0 && !analysisFailed,
          post_id: f.post,
          summary: { total: outcomes.length, uploaded: count('uploaded'), already_uploaded: count('already_uploaded'), duplicate: count('duplicate'), failed },
          results: outcomes.map((o) => ({
            path: files[o.index],
            picture_id: pictureIdOf.get(o.index) ?? null,
            status: o.status,
            ...(o.status === 'failed'
              ? { error: errorJson(o.error) }
              : { file_name: o.result.file_name, image_hash: o.result.image_hash, content_type: o.result.content_type, size: o.result.size }),
            ...('duplicateOf' in o && o.duplicateOf !== undefined ? { duplicate_of: files[o.duplicateOf] } : {}),
            ...(o.status !== 'failed' && analysis.has(o.result.file_name) ? { analysis: analysis.get(o.result.file_name) } : {}),
          })),
        },
        null,
        2,
      )}\n`,
    );
  } else {
    const header = ['#', 'file', 'picture', 'result', 'file_name', ...(f.wait ? ['analysis'] : []), 'detail'];
    const short = (name: string) => (f.wide ? name : shortFileName(name));
    const rows = outcomes.map((o) => {
      const detail =
        o.status === 'failed'
          ? describeError(o.error).message
          : o.status === 'duplicate'
            ? `same as #${o.duplicateOf + 1}`
            : o.status === 'already_uploaded'
              ? 'not sent again'
              : formatBytes(o.result.size);
      return [
        String(o.index + 1),
        f.wide ? names[o.index]! : ellipsize(names[o.index]!, 24),
        String(pictureIdOf.get(o.index) ?? '—'),
        paintResult(c, o.status, RESULT[o.status]),
        o.status === 'failed' ? '' : short(o.result.file_name),
        ...(f.wait ? [o.status === 'failed' ? '' : paintAnalysis(c, analysis.get(o.result.file_name) ?? '')] : []),
        detail,
      ];
    });
    io.stdout.write(`${table(header, rows, { ...(f.wide ? {} : { width: widthOf(io.stdout), shrinkable: [1], dropLastBelow: 14 }), paintHeader: c.bold })}\n\n`);
    // Failures in full below the table (the detail column may be cut to fit the width).
    const failures = outcomes.filter((o) => o.status === 'failed');
    if (failures.length && !f.wide) {
      io.stdout.write(`${failures.map((o) => `${c.red('✗')} #${o.index + 1} ${names[o.index]}: ${describeError((o as { error: unknown }).error).message}`).join('\n')}\n\n`);
    }
    const parts = [
      `${count('uploaded')} uploaded`,
      `${count('already_uploaded')} already there`,
      `${count('duplicate')} duplicate${count('duplicate') === 1 ? '' : 's'}`,
      `${failed} failed`,
    ];
    io.stdout.write(`${parts.join(', ')} (post ${f.post}).\n`);
  }
  return failed > 0 || analysisFailed ? EXIT.failed : EXIT.ok;
};
