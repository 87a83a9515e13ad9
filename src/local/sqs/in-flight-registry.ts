import type { SdkMessageAttributes } from './message-attributes.js';

/**
 * Messages a poller has received but not (yet) deleted, per queue ARN.
 *
 * Why: local-aws-sqs keeps messages in memory and offers no way to read a message while it
 * is invisible (in flight, or failed and waiting for its visibility timeout). `close()` can
 * drain visible messages through the API, but would lose invisible ones; this registry lets
 * it include them. Module-level on purpose: the poller and the queues only share queue ARNs.
 */
export interface InFlightMessage {
  messageId: string;
  body: string;
  messageAttributes?: SdkMessageAttributes;
  sentTimestamp?: number;
  receiveCount: number;
  /** Our estimate of when the server makes it visible again (or redrives it to the DLQ). */
  invisibleUntil: number;
}

/** Entries stay this long after `invisibleUntil` before being pruned (timer slack). */
const EXPIRY_GRACE_MS = 1_000;

const registry = new Map<string, Map<string, InFlightMessage>>();

function entriesOf(queueArn: string): Map<string, InFlightMessage> {
  let entries = registry.get(queueArn);
  if (!entries) {
    entries = new Map();
    registry.set(queueArn, entries);
  }
  return entries;
}

export function rememberInFlight(queueArn: string, message: InFlightMessage): void {
  const entries = entriesOf(queueArn);
  // Once visible again, a message is either re-received (re-registered) or redriven, so
  // expired entries carry no information: prune them to keep the map small.
  const now = Date.now();
  for (const [id, entry] of entries) if (entry.invisibleUntil + EXPIRY_GRACE_MS < now) entries.delete(id);
  entries.set(message.messageId, message);
}

export function forgetInFlight(queueArn: string, messageId: string): void {
  registry.get(queueArn)?.delete(messageId);
}

/** Messages that were still invisible at `at` (with grace for late server timers). */
export function invisibleMessagesAt(queueArn: string, at: number): InFlightMessage[] {
  return [...(registry.get(queueArn)?.values() ?? [])].filter((m) => m.invisibleUntil + EXPIRY_GRACE_MS > at);
}

export function clearInFlight(queueArn: string): void {
  registry.delete(queueArn);
}
