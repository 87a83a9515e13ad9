import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import { openApiDocument } from '../../src/openapi/document.js';

/** One HTTP answer to check: the operation (method + path template) and what came back. */
export interface Exchange {
  method: string;
  template: string;
  status: number;
  headers: Headers;
  text: string;
}

type Json = Record<string, unknown>;
const ID = 'https://travellog.example/openapi.json';
const METHODS = ['get', 'post', 'put', 'delete', 'patch'] as const;
const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

// ajv-formats is CommonJS: its default export arrives as the module object or the function.
const addFormats = ((addFormatsImport as unknown as { default?: unknown }).default ?? addFormatsImport) as (ajv: Ajv2020) => void;

const doc = openApiDocument as unknown as { paths: Record<string, Record<string, Json>>; components: Record<string, Record<string, Json>> };

/** `#/components/<kind>/<name>` → [the object, its pointer]. */
const deref = (node: Json, at: string): [Json, string] => {
  const ref = node.$ref;
  if (typeof ref !== 'string') return [node, at];
  const [, kind, name] = /^#\/components\/([^/]+)\/([^/]+)$/.exec(ref) ?? [];
  const target = kind && name ? doc.components[kind]?.[name] : undefined;
  if (!target) throw new Error(`Unresolvable $ref ${ref}`);
  return [target, `#/${pointer('components', kind!, name!)}`];
};

/** Every documented (operation, status) pair. */
export const documentedStatuses = () =>
  Object.entries(doc.paths).flatMap(([template, item]) =>
    METHODS.filter((m) => item[m]).flatMap((m) =>
      Object.keys((item[m] as { responses: Json }).responses).map((status) => ({ op: `${m.toUpperCase()} ${template}`, status })),
    ),
  );

/** Checks answers against the document with ajv (JSON Schema 2020-12, as OpenAPI 3.1 uses). */
export const createValidator = () => {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictSchema: false, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addSchema(openApiDocument as object, ID);
  const compiled = new Map<string, ValidateFunction>();
  const validatorAt = (at: string) => {
    let v = compiled.get(at);
    if (!v) {
      v = ajv.getSchema(`${ID}${at}`);
      if (!v) throw new Error(`No schema at ${at}`);
      compiled.set(at, v);
    }
    return v;
  };

  const check = (ex: Exchange): string[] => {
    const problems: string[] = [];
    const method = ex.method.toLowerCase();
    const op = doc.paths[ex.template]?.[method] as { responses: Record<string, Json> } | undefined;
    if (!op) return [`${ex.method} ${ex.template} is not documented`];
    const documented = op.responses[String(ex.status)];
    if (!documented) return [`${ex.method} ${ex.template}: status ${ex.status} is not documented (body ${ex.text.slice(0, 200)})`];
    const [resp, at] = deref(documented, `#/${pointer('paths', ex.template, method, 'responses', String(ex.status))}`);

    const content = resp.content as Record<string, Json> | undefined;
    if (content?.['application/json']) {
      if (!/^application\/json\b/.test(ex.headers.get('content-type') ?? '')) problems.push(`content-type is ${ex.headers.get('content-type')}, not JSON`);
      let body: unknown;
      try {
        body = JSON.parse(ex.text);
      } catch {
        problems.push(`body is not JSON: ${ex.text.slice(0, 200)}`);
      }
      if (body !== undefined) {
        const validate = validatorAt(`${at}/${pointer('content', 'application/json', 'schema')}`);
        if (!validate(body)) problems.push(`body ${ex.text.slice(0, 300)} does not match: ${ajv.errorsText(validate.errors)}`);
      }
    } else if (ex.text !== '') {
      problems.push(`expected no body, got ${ex.text.slice(0, 200)}`);
    }

    for (const [name, h] of Object.entries((resp.headers ?? {}) as Record<string, Json>)) {
      const [header, headerAt] = deref(h, `${at}/${pointer('headers', name)}`);
      const value = ex.headers.get(name);
      if (value === null) {
        if (header.required) problems.push(`header ${name} is required`);
        continue;
      }
      const validate = validatorAt(`${headerAt}/schema`);
      if (!validate(value)) problems.push(`header ${name}: ${value} does not match: ${ajv.errorsText(validate.errors)}`);
    }
    return problems;
  };

  return { check, ajv };
};
