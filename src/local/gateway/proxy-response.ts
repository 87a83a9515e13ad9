/** An HTTP answer derived from a Lambda proxy result. */
export interface HttpAnswer {
  status: number;
  headers: Map<string, string[]>;
  body: Buffer;
}

const ALLOWED_KEYS = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded']);
/** Framing headers are the gateway's business, not the function's. */
const FRAMING = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);

const isScalar = (v: unknown) => ['string', 'number', 'boolean'].includes(typeof v);
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates a proxy result the way API Gateway REST does; anything off
 * ("Malformed Lambda proxy response") yields a reason string instead.
 */
export function toHttpAnswer(result: unknown): HttpAnswer | string {
  if (!isPlainObject(result)) return 'result is not an object';
  const extra = Object.keys(result).filter((k) => !ALLOWED_KEYS.has(k));
  if (extra.length) return `unexpected keys: ${extra.join(', ')}`;
  const { statusCode, headers, multiValueHeaders, body, isBase64Encoded } = result;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599)
    return 'statusCode must be an integer HTTP status';
  if (headers !== undefined && headers !== null && (!isPlainObject(headers) || !Object.values(headers).every(isScalar)))
    return 'headers must map names to strings';
  if (
    multiValueHeaders !== undefined &&
    multiValueHeaders !== null &&
    (!isPlainObject(multiValueHeaders) ||
      !Object.values(multiValueHeaders).every((v) => Array.isArray(v) && v.every(isScalar)))
  )
    return 'multiValueHeaders must map names to arrays of strings';
  if (body !== undefined && body !== null && typeof body !== 'string') return 'body must be a string';
  if (isBase64Encoded !== undefined && isBase64Encoded !== null && typeof isBase64Encoded !== 'boolean')
    return 'isBase64Encoded must be a boolean';

  // Merge rule from the proxy output format: a name in multiValueHeaders wins over the same name in headers.
  const merged = new Map<string, string[]>();
  const lowerSeen = new Set<string>();
  for (const [name, values] of Object.entries((multiValueHeaders ?? {}) as Record<string, unknown[]>)) {
    merged.set(name, values.map(String));
    lowerSeen.add(name.toLowerCase());
  }
  for (const [name, value] of Object.entries((headers ?? {}) as Record<string, unknown>)) {
    if (!lowerSeen.has(name.toLowerCase())) merged.set(name, [String(value)]);
  }
  for (const name of [...merged.keys()]) if (FRAMING.has(name.toLowerCase())) merged.delete(name);
  // REST APIs default the response type to JSON when the function sets none.
  const hasType = [...merged.keys()].some((n) => n.toLowerCase() === 'content-type');
  if (!hasType) merged.set('Content-Type', ['application/json']);

  const text = typeof body === 'string' ? body : '';
  return { status: statusCode, headers: merged, body: Buffer.from(text, isBase64Encoded ? 'base64' : 'utf8') };
}
