/**
 * Imported first by the API bench: Powertools reads these when the handlers'
 * module-level Logger/Metrics are built. In Lambda, logs and EMF metrics go to
 * CloudWatch outside the request; here they would be synchronous writes to the
 * bench's stdout, so only errors are logged and metrics are off.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

export {};
