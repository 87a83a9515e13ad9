/**
 * The subset of IAM policy evaluation API Gateway applies to a Lambda
 * authorizer's policy: statements on `execute-api:Invoke` against a method ARN,
 * `*` / `?` wildcards, explicit Deny beats Allow, no Allow = implicit deny.
 */
export type PolicyVerdict = 'allow' | 'explicit-deny' | 'implicit-deny';

export const INVOKE_ACTION = 'execute-api:Invoke';

interface NormalizedStatement {
  effect: 'Allow' | 'Deny';
  actions: string[];
  notActions: boolean;
  resources: string[];
  notResources: boolean;
  hasCondition: boolean;
}

const toList = (v: unknown): string[] | undefined =>
  typeof v === 'string' ? [v] : Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;

function globToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, caseInsensitive ? 'si' : 's');
}

/** Parses a policy document; returns undefined when it is not one API Gateway would accept. */
export function normalizePolicy(doc: unknown): NormalizedStatement[] | undefined {
  if (typeof doc !== 'object' || doc === null) return undefined;
  const raw = (doc as { Statement?: unknown }).Statement;
  const list = Array.isArray(raw) ? raw : raw !== undefined ? [raw] : undefined;
  if (!list) return undefined;
  const out: NormalizedStatement[] = [];
  for (const s of list as Array<Record<string, unknown>>) {
    if (typeof s !== 'object' || s === null) return undefined;
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') return undefined;
    const actions = toList(s.Action ?? s.NotAction);
    const resources = toList(s.Resource ?? s.NotResource);
    if (!actions || !resources) return undefined;
    out.push({
      effect: s.Effect,
      actions,
      notActions: s.Action === undefined,
      resources,
      notResources: s.Resource === undefined,
      hasCondition: s.Condition !== undefined,
    });
  }
  return out;
}

function applies(s: NormalizedStatement, methodArn: string): boolean {
  // Actions compare case-insensitively in IAM; resources (ARNs) case-sensitively.
  const actionHit = s.actions.some((a) => globToRegExp(a, true).test(INVOKE_ACTION));
  const resourceHit = s.resources.some((r) => globToRegExp(r, false).test(methodArn));
  return actionHit !== s.notActions && resourceHit !== s.notResources;
}

export function evaluatePolicy(statements: NormalizedStatement[], methodArn: string): PolicyVerdict {
  let allowed = false;
  for (const s of statements) {
    // Conditions are not evaluated locally: fail closed (Deny applies, Allow does not).
    if (s.hasCondition) {
      if (s.effect === 'Deny' && applies(s, methodArn)) return 'explicit-deny';
      continue;
    }
    if (!applies(s, methodArn)) continue;
    if (s.effect === 'Deny') return 'explicit-deny';
    allowed = true;
  }
  return allowed ? 'allow' : 'implicit-deny';
}

export type { NormalizedStatement };
