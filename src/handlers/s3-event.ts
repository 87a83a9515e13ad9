import * as z from 'zod/mini';

/**
 * The parts of an S3 event notification (as delivered in an SQS message body)
 * the analyzer reads. Written with zod/mini rather than Powertools' parser
 * schemas, which pull zod's full build (~450 KB) into an inline-deployed function.
 * Shape: https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 */
export const S3NotificationSchema = z.object({
  Records: z
    .array(
      z.object({
        eventSource: z.literal('aws:s3'),
        eventName: z.string(),
        s3: z.object({
          bucket: z.object({ name: z.string() }),
          object: z.object({ key: z.string(), size: z.optional(z.number()) }),
        }),
      }),
    )
    .check(z.minLength(1)),
});

export type S3Notification = z.infer<typeof S3NotificationSchema>;

/** The message S3 sends once when a notification target is configured. */
export const isS3TestEvent = (body: unknown): boolean => (body as { Event?: string } | null)?.Event === 's3:TestEvent';
