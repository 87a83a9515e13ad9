import type { TokenAuthorizer } from './types.js';
import { evaluatePolicy, normalizePolicy, type NormalizedStatement } from './policy.js';
import { lambdaContext, type LambdaIdentity } from './lambda-context.js';
import { INTEGRATION_TIMEOUT_MS, invokeWithTimeout } from './invoke.js';

/** What API Gateway decides for one request on an authorized method. */
export type AuthDecision =
  | { outcome: 'allow'; requestContextAuthorizer: Record<string, string | number> }
  | { outcome: 'unauthorized' }
  | { outcome: 'forbidden' }
  | { outcome: 'authorizer_error' };

/** A validated authorizer answer: this, not the allow/deny verdict, is what gets cached. */
interface AuthorizerAnswer {
  principalId: string;
  statements: NormalizedStatement[];
  /** Context values are stringified on the way to the integration, as API Gateway does. */
  context: Record<string, string>;
}

export interface AuthorizationOptions {
  authorizer: TokenAuthorizer;
  ttlSeconds: number;
  identity: LambdaIdentity;
  now?: () => number;
}

const MAX_CACHE_ENTRIES = 10_000;

const isUnauthorized = (e: unknown) => e === 'Unauthorized' || (e instanceof Error && e.message === 'Unauthorized');

function validateAnswer(raw: unknown): AuthorizerAnswer | string {
  if (typeof raw !== 'object' || raw === null) return 'authorizer returned no object';
  const r = raw as Record<string, unknown>;
  if (typeof r.principalId !== 'string' || r.principalId === '') return 'principalId missing';
  const statements = normalizePolicy(r.policyDocument);
  if (!statements) return 'policyDocument missing or malformed';
  const context: Record<string, string> = Object.create(null) as Record<string, string>;
  if (r.context !== undefined && r.context !== null) {
    if (typeof r.context !== 'object' || Array.isArray(r.context)) return 'context is not a map';
    for (const [k, v] of Object.entries(r.context)) {
      if (v === null || v === undefined) continue;
      // API Gateway rejects objects/arrays in the context map (AUTHORIZER_CONFIGURATION_ERROR).
      if (!['string', 'number', 'boolean'].includes(typeof v)) return `context.${k} is not a string, number or boolean`;
      context[k] = String(v);
    }
  }
  return { principalId: r.principalId, statements, context };
}

/**
 * TOKEN authorizer semantics of API Gateway REST APIs. The cache holds the
 * authorizer's answer (policy + context) per token, and every request —
 * cached or not — re-evaluates that policy against its own method ARN. Deny
 * policies are answers too, so they are cached; a thrown 'Unauthorized' or a
 * failure is not (AWS caches returned policies only).
 */
export function createAuthorization(o: AuthorizationOptions) {
  const now = o.now ?? Date.now;
  const cache = new Map<string, { answer: AuthorizerAnswer; expiresAt: number }>();

  function remember(token: string, answer: AuthorizerAnswer) {
    if (o.ttlSeconds <= 0) return;
    if (cache.size >= MAX_CACHE_ENTRIES) {
      for (const [k, v] of cache) if (v.expiresAt <= now()) cache.delete(k);
      const oldest = cache.keys().next();
      if (cache.size >= MAX_CACHE_ENTRIES && !oldest.done) cache.delete(oldest.value);
    }
    cache.set(token, { answer, expiresAt: now() + o.ttlSeconds * 1000 });
  }

  type Asked = AuthorizerAnswer | 'unauthorized' | 'error';
  async function askAuthorizer(token: string, methodArn: string): Promise<Asked> {
    const deadline = Date.now() + INTEGRATION_TIMEOUT_MS;
    let raw: unknown;
    try {
      raw = await invokeWithTimeout(
        () => o.authorizer({ type: 'TOKEN', authorizationToken: token, methodArn }, lambdaContext(o.identity, deadline)),
        INTEGRATION_TIMEOUT_MS,
      );
    } catch (e) {
      if (isUnauthorized(e)) return 'unauthorized';
      console.error('[gateway] authorizer failed:', e);
      return 'error';
    }
    const answer = validateAnswer(raw);
    if (typeof answer === 'string') {
      console.error(`[gateway] authorizer configuration error: ${answer}`);
      return 'error';
    }
    return answer;
  }

  return async function authorize(token: string | undefined, methodArn: string): Promise<AuthDecision> {
    // API Gateway answers 401 itself when the identity source is missing: the authorizer is not invoked.
    if (!token) return { outcome: 'unauthorized' };
    const started = Date.now();
    let latency = 0;
    const hit = cache.get(token);
    let answer: AuthorizerAnswer;
    if (hit && hit.expiresAt > now()) {
      answer = hit.answer;
    } else {
      if (hit) cache.delete(token);
      const result = await askAuthorizer(token, methodArn);
      if (result === 'unauthorized') return { outcome: 'unauthorized' };
      if (result === 'error') return { outcome: 'authorizer_error' };
      answer = result;
      latency = Date.now() - started;
      remember(token, answer);
    }
    if (evaluatePolicy(answer.statements, methodArn) !== 'allow') return { outcome: 'forbidden' };
    return {
      outcome: 'allow',
      requestContextAuthorizer: { ...answer.context, principalId: answer.principalId, integrationLatency: latency },
    };
  };
}

export type Authorize = ReturnType<typeof createAuthorization>;
