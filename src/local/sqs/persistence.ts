import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoredMessageAttribute } from './message-attributes.js';

export const SNAPSHOT_FILE_NAME = 'sqs.json';

export interface StoredMessage {
  /** Informational: restored messages get new ids (SendMessage cannot choose one). */
  messageId: string;
  body: string;
  messageAttributes?: Record<string, StoredMessageAttribute>;
  /** Epoch ms of the original send; used to honour the retention period across restarts. */
  sentTimestamp?: number;
}

export interface QueuesSnapshot {
  version: 1;
  savedAt: string;
  /** Messages by queue name. */
  queues: Record<string, StoredMessage[]>;
}

export function snapshotPath(dataDir: string): string {
  return join(dataDir, SNAPSHOT_FILE_NAME);
}

function isSnapshot(value: unknown): value is QueuesSnapshot {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<QueuesSnapshot>;
  return candidate.version === 1 && typeof candidate.queues === 'object' && candidate.queues !== null;
}

/** The saved snapshot, or undefined when there is none. An unreadable file is moved aside, not lost. */
export async function readSnapshot(dataDir: string): Promise<QueuesSnapshot | undefined> {
  const path = snapshotPath(dataDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (isSnapshot(parsed)) return parsed;
  } catch {
    // fall through
  }
  const aside = `${path}.corrupt-${Date.now()}`;
  await rename(path, aside);
  console.error(`[local sqs] unreadable queue snapshot moved to ${aside}; starting with empty queues`);
  return undefined;
}

/** Atomic replace (write then rename), so a crash mid-write keeps the previous snapshot. */
export async function writeSnapshot(dataDir: string, snapshot: QueuesSnapshot): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const path = snapshotPath(dataDir);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(snapshot, null, 2)}\n`, 'utf8');
  await rename(temporary, path);
}
