/** `npm run openapi`: writes openapi/openapi.json from src/openapi/document.ts (a test checks they agree). */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderOpenApiJson } from './document.js';

export const OPENAPI_JSON_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '../../openapi/openapi.json');

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await mkdir(dirname(OPENAPI_JSON_PATH), { recursive: true });
  await writeFile(OPENAPI_JSON_PATH, renderOpenApiJson());
  console.error(`wrote ${OPENAPI_JSON_PATH}`);
}
