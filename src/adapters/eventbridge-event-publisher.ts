import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { DETAIL_TYPES, EVENTBRIDGE_SOURCE, type OutgoingEvent } from '../core/image-events.js';
import type { Env } from '../config.js';
import { PublishFailedError, type EventPublisher } from '../ports/event-publisher.js';
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
  ) {}

  async publish(events: readonly OutgoingEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += MAX_ENTRIES) {
      const entries = events.slice(i, i + MAX_ENTRIES).map((e) => toEventBridgeEntry(e, this.busName));
      const out = await this.client.send(new PutEventsCommand({ Entries: entries }));
      // PutEvents answers 200 with per-entry failures; a lost entry must not pass silently.
      if (out.FailedEntryCount) {
        const codes = [...new Set((out.Entries ?? []).map((e) => e.ErrorCode).filter(Boolean))].join(', ');
        throw new PublishFailedError(`EventBridge refused ${out.FailedEntryCount} of ${entries.length} events (${codes})`);
      }
    }
  }
}

export const eventBridgeClient = (env: Env) => new EventBridgeClient(awsClientOptions(env, env.AWS_ENDPOINT_URL_EVENTBRIDGE));
