import { randomBytes, randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** What identifies an in-process function the way Lambda would name it. */
export interface LambdaIdentity {
  functionName: string;
  region: string;
  accountId: string;
  /** One per execution environment, as Lambda names its log streams. */
  logStreamName?: string;
}

export const newLogStreamName = (now = new Date()): string =>
  `${now.toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${randomBytes(16).toString('hex')}`;

const unsupported = (name: string) => () => {
  throw new Error(`context.${name}() is a legacy callback API; the local stack runs async handlers only`);
};

/** A Context like the Node.js Lambda runtime passes, counting down to `deadline` (epoch ms). */
export const lambdaContext = (id: LambdaIdentity, deadline: number): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: id.functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:${id.region}:${id.accountId}:function:${id.functionName}`,
  memoryLimitInMB: '256',
  awsRequestId: randomUUID(),
  logGroupName: `/aws/lambda/${id.functionName}`,
  logStreamName: id.logStreamName ?? newLogStreamName(),
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  done: unsupported('done'),
  fail: unsupported('fail'),
  succeed: unsupported('succeed'),
});
