/**
 * A WARN line on the terminal for every analysis that fails, with its reason and what happens
 * next (retried after the visibility timeout, or redriven to the DLQ with the record marked
 * `failed`). The analyzer reports the error of each record; the SQS poller reports which
 * messages went back to the queue and how often they had been received.
 */
import type { SQSRecord } from 'aws-lambda';
import { decodeS3Key } from '../handlers/analyzer.js';
import type { FailedMessage } from './sqs/index.js';
import type { TerminalLog } from './terminal-log.js';

/** `456-3fa4c1d2…91c2.png`: enough of the hash to tell pictures apart on one line. */
export const shortFileName = (name: string): string => name.replace(/-([0-9a-f]{8})[0-9a-f]{52}([0-9a-f]{4})\./, '-$1…$2.');

const reasonOf = (e: unknown): string => (e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e));

/** The object key of an S3 notification body (or a description when it is not one). */
const subjectOf = (body: string): string => {
  try {
    const key = (JSON.parse(body) as { Records?: { s3?: { object?: { key?: string } } }[] }).Records?.[0]?.s3?.object?.key;
    return key ? shortFileName(decodeS3Key(key)) : 'a message that is not an S3 notification';
  } catch {
    return 'a message that is not JSON';
  }
};

export const createAnalysisLog = (log: TerminalLog, o: { maxReceiveCount: number; visibilityTimeoutSeconds: number }) => {
  /** The latest error per SQS message id, until the poller reports that message. */
  const reasons = new Map<string, string>();
  return {
    onRecordError(record: SQSRecord, error: unknown) {
      reasons.set(record.messageId, reasonOf(error));
    },
    onMessageFailed(f: FailedMessage) {
      const reason = reasons.get(f.messageId) ?? f.batchFailure ?? 'no reason given';
      reasons.delete(f.messageId);
      const attempt = `attempt ${f.receiveCount} of ${o.maxReceiveCount}`;
      const next =
        f.receiveCount >= o.maxReceiveCount
          ? 'gave up: the message goes to the DLQ'
          : `retrying in ${o.visibilityTimeoutSeconds} s`;
      log.warn(`analysis of ${subjectOf(f.body)} failed (${attempt}), ${next} — ${reason}`);
    },
  };
};
