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

/** Pauses before sending the refused entries again (AWS: retry the failed entries of a PutEvents). */
const RETRY_DELAYS_MS = [100, 400];
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The same events on the account's default event bus (API §8), for any AWS consumer. */
export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName = 'default',
    private readonly retryDelaysMs: readonly number[] = RETRY_DELAYS_MS,
  ) {}

  async publish(events: readonly OutgoingEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += MAX_ENTRIES) {
      await this.put(events.slice(i, i + MAX_ENTRIES).map((e) => toEventBridgeEntry(e, this.busName)));
    }
  }

  /**
   * PutEvents answers 200 with per-entry failures (throttling, an internal failure): those
   * entries, and only those, are sent again after a pause; still refused → an error, never
   * a silent loss (the caller logs and counts it: EventsNotPublished, alarmed in AWS).
   */
  private async put(entries: PutEventsRequestEntry[]): Promise<void> {
    let pending = entries;
    for (let attempt = 0; ; attempt++) {
      const out = await this.client.send(new PutEventsCommand({ Entries: pending }));
      if (!out.FailedEntryCount) return;
      const refused = pending.filter((_, i) => out.Entries?.[i]?.ErrorCode);
      const delay = this.retryDelaysMs[attempt];
      if (delay === undefined || refused.length === 0) {
        const codes = [...new Set((out.Entries ?? []).map((e) => e.ErrorCode).filter(Boolean))].join(', ');
        throw new PublishFailedError(`EventBridge refused ${out.FailedEntryCount} of ${pending.length} events (${codes}) after ${attempt + 1} attempts`);
      }
      await sleep(delay);
      pending = refused;
    }
  }
}

export const eventBridgeClient = (env: Env) => new EventBridgeClient(awsClientOptions(env, env.AWS_ENDPOINT_URL_EVENTBRIDGE));
