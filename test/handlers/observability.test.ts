import { describe, expect, it, vi } from 'vitest';
import type { Context } from 'aws-lambda';
import { functionLogger, functionMetrics, SERVICE_NAME } from '../../src/handlers/observability.js';

const context = (functionName: string) =>
  ({ functionName, awsRequestId: `${functionName}-req`, invokedFunctionArn: 'arn', memoryLimitInMB: '128', functionVersion: '1' }) as unknown as Context;

describe('observability: one logger (and metrics) per function', () => {
  it('keeps each function’s Lambda context to its own log lines', () => {
    const receiver = functionLogger('receiver');
    const scan = functionLogger('scan');
    receiver.addContext(context('receiver-fn'));
    scan.addContext(context('scan-fn'));
    expect(receiver).not.toBe(scan);
    expect(functionMetrics()).not.toBe(functionMetrics());
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
    try {
      receiver.setLogLevel('INFO');
      receiver.info('hello');
    } finally {
      spy.mockRestore();
    }
    const line = JSON.parse(lines.find((l) => l.includes('hello'))!);
    expect(line).toMatchObject({ service: SERVICE_NAME, function: 'receiver', function_name: 'receiver-fn' });
    expect(JSON.stringify(line)).not.toContain('scan-fn');
  });
});
