import { Webhook } from 'standardwebhooks';
import { DELIVERY_TIMEOUT_SECONDS } from '../core/webhook-retry.js';

/** One webhook message: its stable id (`webhook-id`) and the exact JSON body. */
export interface WebhookMessage {
  id: string;
  body: string;
}

export type DeliveryOutcome = { delivered: true; status: number } | { delivered: false; reason: string; status?: number };

export interface WebhookSenderOptions {
  url: string;
  /** `whsec_<base64>`; never logged. */
  secret: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

/**
 * POSTs Standard Webhooks messages: signed by the maintained `standardwebhooks`
 * implementation (HMAC-SHA256 over "<id>.<timestamp>.<body>"), a fresh timestamp
 * and signature per attempt, the same id on every attempt. Delivered means a 2xx
 * within the timeout; redirects are not followed (a receiver must answer itself).
 */
export class WebhookSender {
  private readonly signer: Webhook;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;
  private readonly now: () => number;

  constructor(private readonly o: WebhookSenderOptions) {
    this.signer = new Webhook(o.secret);
    this.timeoutMs = o.timeoutMs ?? DELIVERY_TIMEOUT_SECONDS * 1000;
    this.fetch = o.fetch ?? fetch;
    this.now = o.now ?? Date.now;
  }

  /** The headers of one attempt. */
  headers(message: WebhookMessage, at = new Date(this.now())): Record<string, string> {
    return {
      'content-type': 'application/json',
      'user-agent': 'travellog-webhooks/1',
      'webhook-id': message.id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': this.signer.sign(message.id, at, message.body),
    };
  }

  async send(message: WebhookMessage, signal?: AbortSignal): Promise<DeliveryOutcome> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    try {
      const res = await this.fetch(this.o.url, {
        method: 'POST',
        headers: this.headers(message),
        body: message.body,
        redirect: 'manual',
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      // The status is the answer; the body is not read (a slow body must not hold the attempt).
      await res.body?.cancel().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) return { delivered: true, status: res.status };
      return { delivered: false, status: res.status, reason: `HTTP ${res.status}` };
    } catch (e) {
      if (timeout.aborted) return { delivered: false, reason: `no answer within ${this.timeoutMs} ms` };
      const err = e as Error & { cause?: { code?: string } };
      return { delivered: false, reason: err.cause?.code ?? err.name ?? 'network error' };
    }
  }
}
