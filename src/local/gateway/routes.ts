import type { HttpMethod, Route } from './types.js';

type Segment = { kind: 'static'; text: string } | { kind: 'param'; name: string };

/** One API Gateway resource (path template) and the methods defined on it. */
export interface Resource {
  template: string;
  segments: Segment[];
  methods: Map<HttpMethod, Route>;
}

export interface ResourceMatch {
  resource: Resource;
  /** Still percent-encoded; decoding is the caller's job so it can answer 400 on bad escapes. */
  rawParams: Record<string, string>;
}

const PARAM = /^\{([A-Za-z0-9_.-]+)\}$/;

function parseTemplate(template: string): Segment[] {
  if (!template.startsWith('/')) throw new Error(`Resource '${template}' must start with '/'`);
  if (template === '/') return [];
  return template
    .slice(1)
    .split('/')
    .map((part) => {
      const param = PARAM.exec(part);
      if (param?.[1]) return { kind: 'param', name: param[1] } as const;
      if (part === '' || /[{}]/.test(part)) throw new Error(`Unsupported segment '${part}' in resource '${template}'`);
      return { kind: 'static', text: part } as const;
    });
}

/** Like API Gateway, a static segment beats a {param} at the same position. */
const specificity = (r: Resource) => r.segments.map((s) => (s.kind === 'static' ? '0' : '1')).join('');

export function compileRoutes(routes: Route[]): Resource[] {
  const byTemplate = new Map<string, Resource>();
  for (const route of routes) {
    let resource = byTemplate.get(route.resource);
    if (!resource) {
      resource = { template: route.resource, segments: parseTemplate(route.resource), methods: new Map() };
      byTemplate.set(route.resource, resource);
    }
    if (resource.methods.has(route.method)) throw new Error(`Duplicate route ${route.method} ${route.resource}`);
    resource.methods.set(route.method, route);
  }
  return [...byTemplate.values()].sort((a, b) => specificity(a).localeCompare(specificity(b)));
}

export function matchResource(resources: Resource[], rawPath: string): ResourceMatch | undefined {
  // API Gateway tolerates one trailing slash ('/scan/' reaches '/scan').
  const trimmed = rawPath.length > 1 && rawPath.endsWith('/') ? rawPath.slice(0, -1) : rawPath;
  const parts = trimmed === '/' ? [] : trimmed.slice(1).split('/');
  for (const resource of resources) {
    if (resource.segments.length !== parts.length) continue;
    const rawParams: Record<string, string> = Object.create(null) as Record<string, string>;
    const ok = resource.segments.every((segment, i) => {
      const part = parts[i] ?? '';
      if (segment.kind === 'static') return segment.text === part;
      rawParams[segment.name] = part;
      return part !== '';
    });
    if (ok) return { resource, rawParams };
  }
  return undefined;
}
