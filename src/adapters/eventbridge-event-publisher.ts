import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { DETAIL_TYPES, EVENTBRIDGE_SOURCE, type OutgoingEvent } from '../core/image-events.js';
import type { Env } from '../config.js';
import type { EventPublisher } from '../ports/event-publisher.js';
import { RETRY_DELAYS_MS, sendRetryingRefused } from './retry-refused.js';
import { awsClientOptions } from './aws-clients/common.js';

/** PutEvents takes at most 10 entries per call. */
const MAX_ENTRIES = 10;

export const toEventBridgeEntry = ({ event }: OutgoingEvent, busName = 'default'): PutEventsRequestEntry => ({
  EventBusName: busName,
  Source: EVENTBRIDGE_SOURCE,
  DetailType: DETAIL_TYPES[event.type],
  Detail: JSON.stringify(event),
  Time: new Date(event.timestamp),
});

/** The same events on the account's default event bus (API §8), for any AWS consumer. */
export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName = 'default',
    private readonly retryDelaysMs: readonly number[] = RETRY_DELAYS_MS,
  ) {}

  async publish(events: readonly OutgoingEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += MAX_ENTRIES) {
      const entries = events.slice(i, i + MAX_ENTRIES).map((e) => toEventBridgeEntry(e, this.busName));
      await sendRetryingRefused(
        entries,
        async (pending) => {
          const out = await this.client.send(new PutEventsCommand({ Entries: pending }));
          const failed = (out.Entries ?? []).map((e, n) => ({ e, n })).filter(({ e }) => e.ErrorCode);
          return { refused: out.FailedEntryCount ? failed.map(({ n }) => pending[n]!) : [], codes: failed.map(({ e }) => e.ErrorCode) };
        },
        'EventBridge',
        this.retryDelaysMs,
      );
    }
  }
}

export const eventBridgeClient = (env: Env) => new EventBridgeClient(awsClientOptions(env, env.AWS_ENDPOINT_URL_EVENTBRIDGE));
