import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../src/infra/functions.js';
import { openApiDocument, renderOpenApiJson } from '../../src/openapi/document.js';
import { OPENAPI_JSON_PATH } from '../../src/openapi/write.js';
import { createValidator } from '../helpers/openapi-validator.js';

type Json = Record<string, unknown>;
const walk = (node: unknown, visit: (n: Json, path: string) => void, path = '#') => {
  if (Array.isArray(node)) node.forEach((n, i) => walk(n, visit, `${path}/${i}`));
  else if (node && typeof node === 'object') {
    visit(node as Json, path);
    for (const [k, v] of Object.entries(node)) walk(v, visit, `${path}/${k}`);
  }
};

/** JSON Schema 2020-12 keywords we use (a typo like `minimun` would be silently ignored by validators). */
const SCHEMA_KEYWORDS = new Set([
  'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', 'oneOf', 'anyOf', 'allOf',
  'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'maxItems', 'format', 'description', 'examples', '$ref', 'default',
]);

describe('openapi/openapi.json', () => {
  it('is the committed rendering of src/openapi/document.ts (run `npm run openapi` after editing)', async () => {
    expect(await readFile(OPENAPI_JSON_PATH, 'utf8')).toBe(renderOpenApiJson());
  });

  it('is OpenAPI 3.1 with resolvable $refs, unique operationIds and declared path parameters', () => {
    expect(openApiDocument.openapi).toMatch(/^3\.1\.\d+$/);
    const refs: string[] = [];
    walk(openApiDocument, (n) => {
      if (typeof n.$ref === 'string') refs.push(n.$ref);
    });
    for (const ref of refs) {
      const target = ref
        .slice(2)
        .split('/')
        .reduce<unknown>((o, k) => (o as Json | undefined)?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], openApiDocument);
      expect(target, ref).toBeDefined();
    }
    const ids: string[] = [];
    for (const [template, item] of Object.entries(openApiDocument.paths) as [string, Json][]) {
      const declared = new Set(
        [item.parameters, ...Object.values(item).map((op) => (op as Json).parameters)]
          .flatMap((ps) => (Array.isArray(ps) ? ps : []))
          .map((p: Json) => (p.$ref ? (openApiDocument.components.parameters as Record<string, Json>)[String(p.$ref).split('/').pop()!]! : p))
          .filter((p) => p.in === 'path')
          .map((p) => p.name),
      );
      for (const [, name] of template.matchAll(/\{([^}]+)\}/g)) expect(declared.has(name), `${template} declares ${name}`).toBe(true);
      for (const op of Object.values(item)) if ((op as Json).operationId) ids.push((op as Json).operationId as string);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('uses only known JSON Schema keywords in its schemas', () => {
    const unknown: string[] = [];
    const check = (schema: unknown, at: string) =>
      walk(schema, (n, path) => {
        // property maps and header maps hold names, not keywords
        if (/\/properties$/.test(path) || /\/examples(\/|$)/.test(path)) return;
        for (const k of Object.keys(n)) if (!SCHEMA_KEYWORDS.has(k)) unknown.push(`${at}${path.slice(1)}: ${k}`);
      });
    walk(openApiDocument, (n, path) => {
      if (n.schema && typeof n.schema === 'object') check(n.schema, `${path}/schema`);
    });
    for (const [name, s] of Object.entries(openApiDocument.components.schemas)) check(s, `#/components/schemas/${name}`);
    expect(unknown).toEqual([]);
  });

  it('documents every route the functions declare (src/infra/functions.ts: the template and the local gateway), and no other', () => {
    const served = FUNCTIONS.flatMap((f) => f.routes.map((r) => `${r.method} ${r.path}`)).sort();
    const documented = Object.entries(openApiDocument.paths)
      .flatMap(([p, item]) => Object.keys(item).filter((k) => k !== 'parameters').map((m) => `${m.toUpperCase()} ${p}`))
      .sort();
    expect(served.length).toBeGreaterThanOrEqual(6);
    expect(documented).toEqual(served);
  });

  it('compiles in ajv (2020-12) with every component schema', () => {
    const { ajv } = createValidator();
    for (const name of Object.keys(openApiDocument.components.schemas)) {
      expect(ajv.getSchema(`https://travellog.example/openapi.json#/components/schemas/${name}`), name).toBeTypeOf('function');
    }
  });
});
