import { PublishFailedError } from '../ports/event-publisher.js';

/** Pauses before sending refused entries again: the batch APIs' own advice is to retry the failed entries. */
export const RETRY_DELAYS_MS: readonly number[] = [100, 400];

export interface BatchAnswer<T> {
  /** The entries the service refused (it answered 200 for the call). */
  refused: T[];
  /** The services' error codes, for the message. */
  codes: (string | undefined)[];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends a batch; the entries refused one by one (EventBridge PutEvents, SQS SendMessageBatch
 * answer 200 with per-entry failures) are sent again, only those, after each pause; still
 * refused → PublishFailedError, never a silent loss. `what` names the destination in the message.
 */
export const sendRetryingRefused = async <T>(entries: T[], send: (entries: T[]) => Promise<BatchAnswer<T>>, what: string, delaysMs = RETRY_DELAYS_MS): Promise<void> => {
  let pending = entries;
  for (let attempt = 0; pending.length > 0; attempt++) {
    const { refused, codes } = await send(pending);
    if (refused.length === 0) return;
    const delay = delaysMs[attempt];
    if (delay === undefined) {
      throw new PublishFailedError(`${what} refused ${refused.length} of ${pending.length} events (${[...new Set(codes.filter(Boolean))].join(', ')}) after ${attempt + 1} attempts`);
    }
    await sleep(delay);
    pending = refused;
  }
};
