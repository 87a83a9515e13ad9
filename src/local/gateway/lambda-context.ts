import { randomBytes, randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

export interface LambdaIdentity {
  functionName: string;
  region: string;
  accountId: string;
}

/** Lambda-style names for in-process functions, e.g. 'local-get-obtain-file_name'. */
export const functionNameFor = (method: string, resource: string) =>
  `local-${method.toLowerCase()}-${resource.replace(/[^A-Za-z0-9_]+/g, '-').replace(/^-+|-+$/g, '')}`;

const unsupported = (name: string) => () => {
  throw new Error(`context.${name}() is a legacy callback API and is not supported by the local gateway`);
};

/** A Context like the Node.js Lambda runtime passes, counting down to `deadline` (epoch ms). */
export function lambdaContext(id: LambdaIdentity, deadline: number): Context {
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: id.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${id.region}:${id.accountId}:function:${id.functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${id.functionName}`,
    logStreamName: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
}
