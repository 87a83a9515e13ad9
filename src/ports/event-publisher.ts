import type { OutgoingEvent } from '../core/image-events.js';

/**
 * Where completion events go: EventBridge and the webhook outbox in AWS, the
 * journaled local outbox on one machine. `publish` hands events over durably
 * and returns; it never waits for a webhook receiver.
 */
export interface EventPublisher {
  publish(events: readonly OutgoingEvent[]): Promise<void>;
}

/** No destination configured: events are dropped. */
export const NO_EVENTS: EventPublisher = { publish: async () => {} };

/** Every publisher gets every event; all must accept them. */
export const fanOut = (publishers: readonly EventPublisher[]): EventPublisher => {
  if (publishers.length === 0) return NO_EVENTS;
  if (publishers.length === 1) return publishers[0]!;
  return { publish: async (events) => void (await Promise.all(publishers.map((p) => p.publish(events)))) };
};

/** A destination refused some events (they are not delivered; the caller decides what to retry). */
export class PublishFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PublishFailedError';
  }
}
