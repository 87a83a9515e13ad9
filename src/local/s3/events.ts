import { LOCAL_ACCOUNT_ID } from '../constants.js';
import { newRequestIds, type RequestIds } from './request-ids.js';

/** The S3 event notification S3 delivers to SQS, byte-for-byte in the shape of the real one. */

export type ObjectCreatedEventName = 'ObjectCreated:Put' | 'ObjectCreated:CompleteMultipartUpload' | 'ObjectCreated:Copy';

export interface S3EventRecord {
  eventVersion: '2.1';
  eventSource: 'aws:s3';
  awsRegion: string;
  eventTime: string;
  eventName: ObjectCreatedEventName;
  userIdentity: { principalId: string };
  requestParameters: { sourceIPAddress: string };
  responseElements: { 'x-amz-request-id': string; 'x-amz-id-2': string };
  s3: {
    s3SchemaVersion: '1.0';
    configurationId: string;
    bucket: { name: string; ownerIdentity: { principalId: string }; arn: string };
    object: { key: string; size: number; eTag: string; sequencer: string };
  };
}

export interface S3EventNotification {
  Records: S3EventRecord[];
}

/** Name of the (single, implicit) notification configuration of the local stack. */
export const LOCAL_NOTIFICATION_CONFIGURATION_ID = 'local-object-created';
const LOCAL_OWNER_ID = `A${LOCAL_ACCOUNT_ID}`;

/**
 * Keys in notifications are form-URL-encoded, the way S3 (Java's URLEncoder) does it:
 * spaces become '+', and everything but `A-Za-z0-9 . - _ *` and the '/' separator is %XX.
 * Consumers decode with `decodeURIComponent(key.replace(/\+/g, ' '))`.
 */
export function encodeEventKey(key: string): string {
  return key
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment)
        .replace(/[!'()~]/g, (ch) => '%' + ch.charCodeAt(0).toString(16).toUpperCase())
        .replace(/%20/g, '+'),
    )
    .join('/');
}

let lastSequencer = 0n;

/** Hex sequencer that grows with time (strictly, within this process), as S3's does per key. */
export function nextSequencer(): string {
  const fromClock = BigInt(Date.now()) * 1_000_000n;
  lastSequencer = fromClock > lastSequencer ? fromClock : lastSequencer + 1n;
  return lastSequencer.toString(16).toUpperCase().padStart(18, '0');
}

export interface ObjectCreated {
  eventName: ObjectCreatedEventName;
  region: string;
  bucket: string;
  /** The decoded object key. */
  key: string;
  size: number;
  /** ETag without quotes. */
  eTag: string;
  accessKeyId: string;
  ids: RequestIds;
  time?: Date;
}

export function objectCreatedNotification(created: ObjectCreated): S3EventNotification {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: created.region,
        eventTime: (created.time ?? new Date()).toISOString(),
        eventName: created.eventName,
        userIdentity: { principalId: `AWS:${created.accessKeyId}` },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': created.ids.requestId, 'x-amz-id-2': created.ids.hostId },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: LOCAL_NOTIFICATION_CONFIGURATION_ID,
          bucket: { name: created.bucket, ownerIdentity: { principalId: LOCAL_OWNER_ID }, arn: `arn:aws:s3:::${created.bucket}` },
          object: { key: encodeEventKey(created.key), size: created.size, eTag: created.eTag, sequencer: nextSequencer() },
        },
      },
    ],
  };
}

/** The body of the s3:TestEvent message S3 sends to a newly configured queue */
export function s3TestEvent(bucket: string): object {
  const ids = newRequestIds();
  return {
    Service: 'Amazon S3',
    Event: 's3:TestEvent',
    Time: new Date().toISOString(),
    Bucket: bucket,
    RequestId: ids.requestId,
    HostId: ids.hostId,
  };
}
