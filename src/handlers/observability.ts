import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/** The service every function logs and reports metrics under (the template passes it to each function too). */
export const SERVICE_NAME = 'travellog-images';
export const METRICS_NAMESPACE = 'TravelLog';

/**
 * One logger per function, labelled with the function's name: on the local stack
 * every handler runs in one process, and a shared logger would carry one handler's
 * Lambda context into another's lines. Call `addContext` at each invocation.
 */
export const functionLogger = (functionName: string): Logger =>
  new Logger({ serviceName: SERVICE_NAME, persistentKeys: { function: functionName } });

/**
 * One metrics object per function that reports any. A separate factory so that a
 * function without metrics does not bundle them (esbuild drops what is not called).
 */
export const functionMetrics = (): Metrics => new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
