import { createHash } from 'node:crypto';
import type * as z from 'zod/mini';
import { TERMINAL_STATUSES, type TerminalStatus } from '../wire/constants.js';
import * as events from '../wire/events.js';
import type { ImageRecord, ImageStatus, Placement } from './image-record.js';

/**
 * Completion events (docs/api.md): building what the webhook body and the
 * EventBridge `detail` carry. Their shapes are defined once in src/wire/events.ts.
 */
export { TERMINAL_STATUSES, type TerminalStatus } from '../wire/constants.js';
export const isTerminal = (status: ImageStatus | undefined): status is TerminalStatus =>
  (TERMINAL_STATUSES as readonly string[]).includes(status ?? '');

export const ImageEventDataSchema = events.ImageEventData;
export const ImageEventSchema = events.ImageEvent;
export type ImageEventType = z.infer<typeof ImageEventSchema>['type'];
export type ImageEventData = z.infer<typeof ImageEventDataSchema>;
export type ImageEvent = z.infer<typeof ImageEventSchema>;
export type EventPost = z.infer<typeof events.EventPost>;
export type Moderation = z.infer<typeof events.Moderation>;

/**
 * An event with the identity of the change it reports. The same change always
 * gets the same id, so a re-emitted event is a duplicate receivers can drop
 * (`webhook-id`), and two changes never share one.
 */
export interface OutgoingEvent {
  id: string;
  event: ImageEvent;
}

/** EventBridge (default bus): `source` and `detail-type` per event type. */
export const EVENTBRIDGE_SOURCE = 'travellog.images';
export const DETAIL_TYPES: Record<ImageEventType, string> = {
  'image.analysed': 'Image Analysed',
  'image.deleted': 'Image Deleted',
};

const toPost = (p: Pick<Placement, 'post_id' | 'picture_id' | 'trip_id' | 'location_id'>): EventPost => ({
  post_id: p.post_id,
  picture_id: p.picture_id,
  trip_id: p.trip_id ?? null,
  location_id: p.location_id ?? null,
});

/** The record as the event needs it; `moderation` exists once the variants issue stores it. */
export type EventRecord = Pick<ImageRecord, 'file_name' | 'user_id' | 'status' | 'rekognition_results' | 'failure_reason' | 'updated_at'> & {
  analysed_at?: string;
  created_at?: string;
  moderation?: Moderation | null;
};

/** Stable identity of a change: `msg_` + 32 hex of SHA-256 over what the change is (a pure computation). */
export const changeId = (parts: readonly string[]): string =>
  `msg_${createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32)}`;

/**
 * `image.analysed` for a record that has just reached a terminal status, or
 * undefined when it has not (the caller emits only on a real transition).
 */
export const analysedEvent = (record: EventRecord, posts: readonly Placement[]): OutgoingEvent | undefined => {
  if (!isTerminal(record.status)) return undefined;
  const at = record.analysed_at ?? record.updated_at;
  const data: ImageEventData = {
    file_name: record.file_name,
    user_id: record.user_id,
    status: record.status,
    labels: record.status === 'failed' ? undefined : record.rekognition_results ?? [],
    moderation: record.moderation ?? undefined,
    failure_reason: record.status === 'failed' ? record.failure_reason ?? 'unknown' : undefined,
    posts: posts.map(toPost),
  };
  return {
    id: changeId(['image.analysed', record.file_name, record.status, at]),
    event: { type: 'image.analysed', timestamp: at, data: dropUndefined(data) },
  };
};

/**
 * `image.deleted` for the record a DELETE removed. The id names the deleted
 * record (its creation time), so two concurrent deletes of it are one event.
 */
export const deletedEvent = (
  record: Pick<EventRecord, 'file_name' | 'user_id' | 'created_at'>,
  posts: readonly Placement[],
  deletedAt: string,
): OutgoingEvent => ({
  id: changeId(['image.deleted', record.file_name, record.created_at ?? '']),
  event: { type: 'image.deleted', timestamp: deletedAt, data: { file_name: record.file_name, user_id: record.user_id, posts: posts.map(toPost) } },
});

const dropUndefined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** The webhook body: the event as JSON, byte for byte what is signed. */
export const webhookBody = (event: ImageEvent): string => JSON.stringify(event);
