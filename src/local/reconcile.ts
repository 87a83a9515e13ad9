import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { formatImageKey, tryParseFileName } from '../core/file-name.js';
import type { RecordStore } from '../ports/record-store.js';
import { objectCreatedNotification, type S3EventNotification } from './s3/events.js';
import { newRequestIds } from './s3/request-ids.js';

/**
 * Start-up reconciliation, the local stand-in for S3 → SQS being durable on AWS: after a
 * crash, an object whose PUT was acknowledged may have no message left in the queue (it lived
 * in memory). Every stored image whose record is missing (an upload the receiver never saw) or
 * `waiting` is notified again now; one still `analysing` is notified once its detection claim
 * has surely lapsed (after a full lease). The analyzer is idempotent, so a duplicate costs a read.
 */
export interface ReconcileOptions {
  s3: S3Client;
  bucket: string;
  region: string;
  accessKeyId: string;
  records: RecordStore;
  leaseSeconds: number;
  notify(notification: S3EventNotification, delaySeconds: number): Promise<void>;
  now?: () => number;
}

/** SQS's largest DelaySeconds. */
const MAX_DELAY_SECONDS = 900;

export async function requeueUnfinishedUploads(o: ReconcileOptions): Promise<{ checked: number; requeued: number }> {
  const now = o.now ?? Date.now;
  let checked = 0;
  let requeued = 0;
  let ContinuationToken: string | undefined;
  do {
    const page = await o.s3.send(new ListObjectsV2Command({ Bucket: o.bucket, ContinuationToken }));
    for (const object of page.Contents ?? []) {
      const name = object.Key ? tryParseFileName(object.Key) : undefined;
      if (!name || !object.Key) continue; // not an original of ours
      checked++;
      const record = await o.records.get(formatImageKey(name), name.userId, now());
      const status = record?.status ?? 'waiting';
      if (status !== 'waiting' && status !== 'analysing') continue;
      const delaySeconds = status === 'analysing' ? Math.min(MAX_DELAY_SECONDS, o.leaseSeconds + 1) : 0;
      const notification = objectCreatedNotification({
        eventName: 'ObjectCreated:Put',
        region: o.region,
        bucket: o.bucket,
        key: object.Key,
        size: object.Size ?? 0,
        eTag: (object.ETag ?? '').replace(/"/g, ''),
        accessKeyId: o.accessKeyId,
        ids: newRequestIds(),
        time: object.LastModified,
      });
      await o.notify(notification, delaySeconds);
      requeued++;
    }
    ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (ContinuationToken);
  return { checked, requeued };
}
