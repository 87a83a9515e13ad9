import { builtinModules } from 'node:module';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionId } from '../../src/infra/cfn.js';
import { FUNCTIONS, type FunctionSpec } from '../../src/infra/functions.js';
import { TEMPLATE_PATH } from '../../scripts/template.js';

/**
 * Each inlined bundle loads exactly the AWS SDK clients of the services its role allows:
 * a client required but never allowed is dead weight at cold start (or a missing
 * permission); an allowed service with no client is a stale permission.
 */
const SERVICE_OF_PACKAGE: Record<string, string> = {
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/lib-dynamodb': 'dynamodb',
  '@aws-sdk/client-s3': 's3',
  '@aws-sdk/s3-request-presigner': 's3',
  '@aws-sdk/client-rekognition': 'rekognition',
  '@aws-sdk/client-secrets-manager': 'secretsmanager',
  '@aws-sdk/client-eventbridge': 'events',
  '@aws-sdk/client-sqs': 'sqs',
};

const required = (code: string) => new Set([...code.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]!));
const roleServices = (f: FunctionSpec) =>
  new Set(f.permissions.filter((p) => !p.byService).flatMap((p) => p.actions.map((a) => a.split(':')[0]!)));

let code: Record<string, string>;
beforeAll(async () => {
  const template = parse(await readFile(TEMPLATE_PATH, 'utf8')) as { Resources: Record<string, { Properties: { Code: { ZipFile: string } } }> };
  code = Object.fromEntries(FUNCTIONS.map((f) => [f.name, template.Resources[functionId(f.name)]!.Properties.Code.ZipFile]));
});

describe('each bundle loads only the SDK clients its function calls', () => {
  it.each(FUNCTIONS.map((f) => [f.name, f] as const))('%s: required @aws-sdk packages ≡ the services of its role', (_, f) => {
    const modules = required(code[f.name]!);
    const sdk = [...modules].filter((m) => m.startsWith('@aws-sdk/'));
    for (const m of sdk) expect(SERVICE_OF_PACKAGE, `${f.name} requires ${m}: map it to its IAM service`).toHaveProperty([m]);
    expect(new Set(sdk.map((m) => SERVICE_OF_PACKAGE[m]))).toEqual(roleServices(f));
    // Nothing else outside the bundle but Node's own modules: the runtime provides only those and the SDK.
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    expect([...modules].filter((m) => !m.startsWith('@aws-sdk/') && !builtins.has(m))).toEqual([]);
  });

  it('inlines no SDK client (they stay external, provided by the runtime)', () => {
    // Every generated SDK client carries its service's endpoint ruleset; none may be in a bundle.
    for (const f of FUNCTIONS) expect(code[f.name], f.name).not.toMatch(/\bsdkId\b|endpointRuleSet|\bServiceException\b/);
  });
});
