import { randomBytes, randomUUID } from 'node:crypto';
import type { Message } from '@aws-sdk/client-sqs';
import type { Context, SQSRecord, SQSRecordAttributes } from 'aws-lambda';
import { toLambdaMessageAttributes } from './message-attributes.js';

/** The record Lambda's SQS event source mapping builds from one received message. */
export function toSqsRecord(message: Message, queueArn: string, awsRegion: string): SQSRecord {
  const system = message.Attributes ?? {};
  const attributes: SQSRecordAttributes = {
    ApproximateReceiveCount: system.ApproximateReceiveCount ?? '1',
    SentTimestamp: system.SentTimestamp ?? '',
    SenderId: system.SenderId ?? '',
    ApproximateFirstReceiveTimestamp: system.ApproximateFirstReceiveTimestamp ?? '',
    ...system, // AWSTraceHeader, DeadLetterQueueSourceArn, … when the queue returns them
  };
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes,
    messageAttributes: toLambdaMessageAttributes(message.MessageAttributes),
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion,
  };
}

export interface ExecutionEnvironment {
  functionName: string;
  region: string;
  accountId: string;
  timeoutMs: number;
  /** One per concurrent worker, like one Lambda execution environment. */
  logStreamName: string;
}

export function newLogStreamName(now = new Date()): string {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

/** A Lambda `Context` for one invocation; the clock starts now. */
export function createLambdaContext(env: ExecutionEnvironment): Context {
  const deadline = Date.now() + env.timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: env.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${env.region}:${env.accountId}:function:${env.functionName}`,
    memoryLimitInMB: '128',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${env.functionName}`,
    logStreamName: env.logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    // Deprecated callback-style completion: async handlers settle through their promise.
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
