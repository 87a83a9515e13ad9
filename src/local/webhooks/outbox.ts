import { webhookBody, type OutgoingEvent } from '../../core/image-events.js';
import { retryDelaySeconds } from '../../core/webhook-retry.js';
import type { EventPublisher } from '../../ports/event-publisher.js';
import type { DeliveryOutcome, WebhookMessage } from '../../adapters/webhook-sender.js';
import { Journal, type DeadLetter, type PendingMessage } from './journal.js';

export interface LocalOutboxOptions {
  /** Where the journal and the DLQ file live (DATA_DIR/webhooks). */
  dir: string;
  send(message: WebhookMessage, signal: AbortSignal): Promise<DeliveryOutcome>;
  /** Delays between attempts, seconds (LOCAL_RETRY_SECONDS unless WEBHOOK_RETRY_SECONDS). */
  retrySeconds: readonly number[];
  /** Deliveries in flight at once. */
  concurrency?: number;
  onDelivered?(message: WebhookMessage, attempts: number): void;
  onDead?(letter: DeadLetter): void;
  onError?(e: unknown): void;
  now?: () => number;
}

export interface LocalOutbox extends EventPublisher {
  /** Messages accepted and not yet delivered or dead. */
  pending(): number;
  /** Resolves when nothing is pending (tests and the bench). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The local stand-in for the webhook queue and notifier: `publish` journals the
 * events and returns at once (the analyzer never waits for a receiver); a loop
 * POSTs them, retries failures on the schedule, and moves a message that used
 * every attempt to the DLQ file. Restarts resume from the journal.
 */
export const startLocalOutbox = async (o: LocalOutboxOptions): Promise<LocalOutbox> => {
  const now = o.now ?? Date.now;
  const concurrency = o.concurrency ?? 8;
  const { journal, pending } = await Journal.open(o.dir);
  const inFlight = new Set<string>();
  const running = new Set<Promise<void>>();
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let idleWaiters: (() => void)[] = [];
  const report = (e: unknown) => (o.onError ?? ((err) => console.error('webhook outbox:', err)))(e);

  const settleIdle = () => {
    if (pending.size > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  };

  const attempt = async (m: PendingMessage) => {
    inFlight.add(m.id);
    try {
      const outcome = await o.send({ id: m.id, body: m.body }, abort.signal);
      if (abort.signal.aborted) return; // stopping: the journal still has it, a restart delivers it
      const attempts = m.attempts + 1;
      if (outcome.delivered) {
        await journal.append([{ op: 'delivered', id: m.id, at: now() }]);
        pending.delete(m.id);
        o.onDelivered?.({ id: m.id, body: m.body }, attempts);
        return;
      }
      const delay = retryDelaySeconds(attempts, o.retrySeconds);
      if (delay === undefined) {
        const letter: DeadLetter = {
          id: m.id,
          body: m.body,
          attempts,
          reason: outcome.reason,
          enqueued_at: new Date(m.enqueuedAt).toISOString(),
          dead_at: new Date(now()).toISOString(),
        };
        // DLQ first: a crash between the two writes delivers once more rather than losing it.
        await journal.addDeadLetter(letter);
        await journal.append([{ op: 'dead', id: m.id, at: now() }]);
        pending.delete(m.id);
        o.onDead?.(letter);
        return;
      }
      const nextAt = now() + delay * 1000;
      await journal.append([{ op: 'attempt', id: m.id, attempts, next_at: nextAt, reason: outcome.reason }]);
      Object.assign(m, { attempts, nextAt });
    } catch (e) {
      report(e);
    } finally {
      inFlight.delete(m.id);
      settleIdle();
      schedule();
    }
  };

  /** Starts what is due (up to the concurrency) and sleeps until the next message is. */
  const schedule = () => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = undefined;
    const t = now();
    let next = Infinity;
    for (const m of pending.values()) {
      if (inFlight.has(m.id)) continue;
      if (m.nextAt <= t) {
        if (inFlight.size >= concurrency) break;
        const run = attempt(m);
        running.add(run);
        void run.finally(() => running.delete(run));
      } else next = Math.min(next, m.nextAt);
    }
    if (next !== Infinity && inFlight.size < concurrency) timer = setTimeout(schedule, Math.max(0, next - t));
  };

  schedule();
  return {
    async publish(events: readonly OutgoingEvent[]) {
      if (closed) throw new Error('the webhook outbox is closed');
      const at = now();
      const fresh = events.filter((e) => !pending.has(e.id));
      await journal.append(fresh.map((e) => ({ op: 'enqueue' as const, id: e.id, body: webhookBody(e.event), at })));
      for (const e of fresh) pending.set(e.id, { id: e.id, body: webhookBody(e.event), attempts: 0, nextAt: at, enqueuedAt: at });
      setImmediate(schedule); // delivery starts after publish has returned
    },
    pending: () => pending.size,
    idle: () => (pending.size === 0 ? Promise.resolve() : new Promise<void>((r) => idleWaiters.push(r))),
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      abort.abort();
      await Promise.all(running);
      await journal.close();
    },
  };
};
