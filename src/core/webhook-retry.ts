/**
 * When a failed webhook delivery is tried again: the delay after each failed
 * attempt. Standard Webhooks' suggested schedule — 5 s, 5 min, 30 min, 2 h,
 * 5 h, 10 h, 10 h — keeps trying for 27 h 35 min, past the ≥ 24 h API §8 asks.
 * Each delay fits SQS's 12-hour visibility limit.
 */
export const AWS_RETRY_SECONDS: readonly number[] = [5, 300, 1800, 7200, 18_000, 36_000, 36_000];

/** The local stack's shortened schedule (WEBHOOK_RETRY_SECONDS overrides it). */
export const LOCAL_RETRY_SECONDS: readonly number[] = [1, 5, 15, 60, 300];

/** Every attempt: the first plus one per delay. */
export const attemptsOf = (schedule: readonly number[]): number => schedule.length + 1;

/** How long a schedule keeps trying, in seconds (first attempt to last). */
export const retryWindowSeconds = (schedule: readonly number[]): number => schedule.reduce((a, b) => a + b, 0);

/** Delay before the next attempt after `attemptsMade` failed ones; undefined once the schedule is used up. */
export const retryDelaySeconds = (attemptsMade: number, schedule: readonly number[]): number | undefined =>
  attemptsMade >= 1 && attemptsMade <= schedule.length ? schedule[attemptsMade - 1] : undefined;

/** A 2xx within this many seconds counts as delivered (API §8). */
export const DELIVERY_TIMEOUT_SECONDS = 10;
