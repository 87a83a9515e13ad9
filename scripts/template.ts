/**
 * npm run template: bundles every handler (CJS, minified, @aws-sdk/* from the
 * runtime) and writes serverless/infrastructure.yaml with the code inlined.
 * `--check` fails when the committed file differs from a fresh generation.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { isScalar, Document, type Scalar, visit } from 'yaml';
import { FUNCTIONS } from '../src/infra/functions.js';
import { buildTemplate } from '../src/infra/template.js';
import { bundleCode } from './build.js';

export const TEMPLATE_PATH = 'serverless/infrastructure.yaml';
/** `aws cloudformation deploy` without --s3-bucket accepts templates up to this size. */
export const DIRECT_DEPLOY_LIMIT = 51_200;

export const renderTemplate = async () => {
  const code = Object.fromEntries(await Promise.all(FUNCTIONS.map(async (f) => [f.name, await bundleCode(f.name)] as const)));
  // CloudFormation refuses YAML aliases: never let shared objects become anchors.
  const doc = new Document(buildTemplate(code as Record<(typeof FUNCTIONS)[number]['name'], string>), { aliasDuplicateObjects: false });
  // Inline code as a literal block: readable, and never inside !Sub.
  visit(doc, {
    Pair(_, pair) {
      if (!isScalar(pair.key) || !isScalar(pair.value)) return;
      if (pair.key.value === 'ZipFile') (pair.value as Scalar).type = 'BLOCK_LITERAL';
      // A YAML 1.1 reader would take an unquoted 2010-09-09 for a date.
      if (pair.key.value === 'AWSTemplateFormatVersion') (pair.value as Scalar).type = 'QUOTE_DOUBLE';
    },
  });
  const yaml = doc.toString({ lineWidth: 0, minContentWidth: 0 });
  return { yaml, sizes: Object.fromEntries(Object.entries(code).map(([k, v]) => [k, Buffer.byteLength(v)])) };
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const { yaml, sizes } = await renderTemplate();
  if (process.argv.includes('--check')) {
    const committed = await readFile(TEMPLATE_PATH, 'utf8').catch(() => '');
    if (committed !== yaml) {
      console.error(`${TEMPLATE_PATH} is stale: run npm run template and commit it.`);
      process.exit(1);
    }
    console.log(`${TEMPLATE_PATH} is up to date.`);
  } else {
    await mkdir('serverless', { recursive: true });
    await writeFile(TEMPLATE_PATH, yaml);
    for (const [name, bytes] of Object.entries(sizes)) console.log(`${name.padEnd(11)} ${String(bytes).padStart(8)} bytes`);
    const total = Buffer.byteLength(yaml);
    console.log(`${TEMPLATE_PATH}: ${total} bytes (${total <= DIRECT_DEPLOY_LIMIT ? 'deployable directly' : 'needs --s3-bucket to deploy'})`);
  }
}
