import { AWS_RETRY_SECONDS, attemptsOf, retryWindowSeconds } from '../core/webhook-retry.js';

/**
 * The webhook queue, defined once (SPEC §3.8). A failed delivery is hidden for
 * the schedule's next delay (ChangeMessageVisibility), so the receive count is
 * the attempt number: the redrive to the DLQ after every attempt is
 * maxReceiveCount = attempts, and retention outlives the whole schedule.
 */
export const WEBHOOK_QUEUE_DEFINITION = {
  notifierTimeoutSeconds: 30,
  /** Lambda's advice: ≥ 6 × the function timeout (only until the notifier sets a message's own delay). */
  visibilityTimeoutSeconds: 180,
  maxReceiveCount: attemptsOf(AWS_RETRY_SECONDS),
  /** The schedule (27.6 h) plus a day of margin for slow receives, well under SQS's 14-day maximum. */
  messageRetentionSeconds: retryWindowSeconds(AWS_RETRY_SECONDS) + 24 * 3600,
  dlqRetentionSeconds: 14 * 24 * 3600,
  batchSize: 10,
  maximumBatchingWindowSeconds: 1,
};
