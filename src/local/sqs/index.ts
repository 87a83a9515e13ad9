/** Local SQS (queue + DLQ on local-aws-sqs, persisted across restarts) and a Lambda-like SQS event source poller. */
export { startLocalQueues, type LocalQueues, type LocalQueuesOptions, type QueueSettings } from './queues.js';
export { startEventSourcePoller, LambdaTimeoutError, type EventSourceMapping, type FailedMessage, type Poller } from './poller.js';
export { SNAPSHOT_FILE_NAME } from './persistence.js';
export { queueDepth, redriveDeadLetters } from './redrive.js';
