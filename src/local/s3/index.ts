/** Local S3 of the local stack: s3rver behind a front server that verifies requests like S3. */
export { startLocalS3, type LocalS3, type LocalS3Options } from './server.js';
export { s3TestEvent, type S3EventNotification, type S3EventRecord, type ObjectCreatedEventName } from './events.js';
