import type { ServerResponse } from 'node:http';

export { GATEWAY_RESPONSES } from '../../infra/gateway-responses.js';

export interface GatewayError {
  status: number;
  error: string;
  message: string;
}

/** Writes a JSON `{"error","message"}` answer with the given (CORS) headers. */
export function sendGatewayError(
  res: ServerResponse,
  e: GatewayError,
  headers: Record<string, string>,
  requestId: string,
): void {
  const body = JSON.stringify({ error: e.error, message: e.message });
  res.writeHead(e.status, {
    ...headers,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-RequestId': requestId,
  });
  res.end(body);
}
