import { mkdir, open, readFile, rename, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The local webhook outbox's durable state: an append-only JSON-lines journal
 * (`outbox.jsonl`) replayed at start, and the dead letters (`dlq.jsonl`). Every
 * entry is written (and fsync'ed) before it counts, so a crash loses nothing
 * that `publish` accepted: undelivered messages are delivered after a restart,
 * dead ones stay in the DLQ file.
 */
export type JournalEntry =
  | { op: 'enqueue'; id: string; body: string; at: number }
  | { op: 'attempt'; id: string; attempts: number; next_at: number; reason: string }
  | { op: 'delivered'; id: string; at: number }
  | { op: 'dead'; id: string; at: number };

export interface PendingMessage {
  id: string;
  body: string;
  attempts: number;
  nextAt: number;
  enqueuedAt: number;
}

export interface DeadLetter {
  id: string;
  body: string;
  attempts: number;
  reason: string;
  enqueued_at: string;
  dead_at: string;
}

export const OUTBOX_FILE = 'outbox.jsonl';
export const DLQ_FILE = 'dlq.jsonl';

const parseLines = <T>(text: string): T[] => {
  const out: T[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      // A torn last line from a crash mid-append: that entry never counted.
    }
  }
  return out;
};

const readText = async (path: string) => readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? '' : Promise.reject(e)));

/** Replays the journal: the messages still to deliver, by id (duplicates of an id are one message). */
export const replay = (entries: JournalEntry[]): Map<string, PendingMessage> => {
  const pending = new Map<string, PendingMessage>();
  for (const e of entries) {
    if (e.op === 'enqueue') {
      if (!pending.has(e.id)) pending.set(e.id, { id: e.id, body: e.body, attempts: 0, nextAt: e.at, enqueuedAt: e.at });
    } else if (e.op === 'attempt') {
      const m = pending.get(e.id);
      if (m) Object.assign(m, { attempts: e.attempts, nextAt: e.next_at });
    } else pending.delete(e.id);
  }
  return pending;
};

export class Journal {
  /** Appends run one after another, so lines never interleave. */
  private tail: Promise<void> = Promise.resolve();

  private constructor(
    private readonly dir: string,
    private handle: FileHandle,
  ) {}

  /** Opens the journal in `dir`, compacted to the pending messages (written aside, then renamed). */
  static async open(dir: string): Promise<{ journal: Journal; pending: Map<string, PendingMessage> }> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, OUTBOX_FILE);
    const pending = replay(parseLines<JournalEntry>(await readText(path)));
    const compacted = [...pending.values()].flatMap((m): JournalEntry[] => [
      { op: 'enqueue', id: m.id, body: m.body, at: m.enqueuedAt },
      ...(m.attempts ? [{ op: 'attempt' as const, id: m.id, attempts: m.attempts, next_at: m.nextAt, reason: 'restored' }] : []),
    ]);
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, compacted.map((e) => `${JSON.stringify(e)}\n`).join(''), { mode: 0o600 });
    await rename(temporary, path);
    return { journal: new Journal(dir, await open(path, 'a', 0o600)), pending };
  }

  /** Appends entries durably (one write, one fsync). */
  append(entries: readonly JournalEntry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    const text = entries.map((e) => `${JSON.stringify(e)}\n`).join('');
    const done = this.tail.then(async () => {
      await this.handle.appendFile(text);
      await this.handle.datasync();
    });
    this.tail = done.catch(() => undefined);
    return done;
  }

  async addDeadLetter(letter: DeadLetter): Promise<void> {
    const dlq = await open(join(this.dir, DLQ_FILE), 'a', 0o600);
    try {
      await dlq.appendFile(`${JSON.stringify(letter)}\n`);
      await dlq.datasync();
    } finally {
      await dlq.close();
    }
  }

  static async deadLetters(dir: string): Promise<DeadLetter[]> {
    return parseLines<DeadLetter>(await readText(join(dir, DLQ_FILE)));
  }

  async close(): Promise<void> {
    await this.tail;
    await this.handle.close();
  }
}
