import { analysedEvent, deletedEvent, type OutgoingEvent } from '../core/image-events.js';
import { NO_EVENTS, type EventPublisher } from '../ports/event-publisher.js';
import type { RecordStore } from '../ports/record-store.js';
import type { OutcomeListener } from './analysis-pipeline.js';

/** Logging and counting for event publication, without tying it to a logging library. */
export interface EventsTelemetry {
  error(message: string, fields: Record<string, unknown>): void;
  count(metric: 'EventsPublished' | 'EventsNotPublished', n: number): void;
}

export interface PublishDeps {
  records: Pick<RecordStore, 'get' | 'placements'>;
  events: EventPublisher;
  telemetry?: EventsTelemetry;
  now?: () => number;
}

/**
 * Hands events to the publisher. A failure never undoes the change it reports
 * (the record is stored, the object deleted): it is logged with the whole event
 * (no secret in it) and counted (EventsNotPublished, alarmed in AWS).
 */
const publish = async (d: PublishDeps, events: OutgoingEvent[]) => {
  if (!events.length) return;
  try {
    await d.events.publish(events);
    d.telemetry?.count('EventsPublished', events.length);
  } catch (e) {
    d.telemetry?.count('EventsNotPublished', events.length);
    d.telemetry?.error('completion events not published', { error: (e as Error).message, events: events.map((x) => ({ id: x.id, ...x.event })) });
  }
};

/**
 * The analysis pipeline's outcome listener: `image.analysed` exactly when the
 * user's record moved to a terminal status (not for a duplicate delivery or a
 * retry that changed nothing), built from the record as stored (consistent read:
 * status, labels, moderation, failure reason, when) and the posts it is in.
 */
export const publishAnalysed =
  (d: PublishDeps): OutcomeListener =>
  async ({ job, outcome }) => {
    if (!outcome.changed || d.events === NO_EVENTS) return; // no destination (a local stack without WEBHOOK_URL): no reads
    const now = (d.now ?? Date.now)();
    const record = await d.records.get(job.imageKey, job.name.userId, now);
    if (!record) return; // deleted meanwhile: its image.deleted says so
    const event = analysedEvent(record, await d.records.placements(job.imageKey, job.name.userId, now));
    if (event) await publish(d, [event]);
  };

/** DELETE /images: read what is about to go, remove it, then `image.deleted` if there was anything. */
export const deleteAndPublish = async (
  d: PublishDeps & { records: Pick<RecordStore, 'get' | 'placements' | 'remove'> },
  imageKey: string,
  userId: string,
  fileName: string,
  remove: () => Promise<void>,
) => {
  if (d.events === NO_EVENTS) return remove();
  const now = (d.now ?? Date.now)();
  const [record, posts] = await Promise.all([d.records.get(imageKey, userId, now), d.records.placements(imageKey, userId, now)]);
  await remove();
  if (!record && !posts.length) return; // nothing was there: idempotent DELETE, no event
  await publish(d, [deletedEvent({ file_name: fileName, user_id: userId, created_at: record?.created_at }, posts, new Date(now).toISOString())]);
};
