/**
 * `npm run build:docs [-- <dir>]`: the API reference as static files (default `dist/docs/`):
 * index.html, Swagger UI's assets and openapi.json beside them, for any static host. "Try it
 * out" then calls the server chosen in the page (the deployed API must allow the page's origin
 * in AllowedOrigins).
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assetPath, DOCS_INIT_JS, docsPage, SWAGGER_UI_ASSETS } from './docs-page.js';
import { renderOpenApiJson } from './document.js';

export const DEFAULT_DOCS_DIR = fileURLToPath(new URL('../../dist/docs/', import.meta.url));

export const buildDocsSite = async (dir = DEFAULT_DOCS_DIR): Promise<string[]> => {
  await mkdir(dir, { recursive: true });
  await Promise.all([
    writeFile(join(dir, 'index.html'), docsPage({ base: './', openApiUrl: './openapi.json', tryIt: true })),
    writeFile(join(dir, 'docs-init.js'), DOCS_INIT_JS),
    writeFile(join(dir, 'openapi.json'), renderOpenApiJson()),
    ...SWAGGER_UI_ASSETS.map((a) => copyFile(assetPath(a), join(dir, a))),
  ]);
  return ['index.html', 'docs-init.js', 'openapi.json', ...SWAGGER_UI_ASSETS];
};

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = resolve(process.argv[2] ?? DEFAULT_DOCS_DIR);
  const files = await buildDocsSite(dir);
  console.error(`wrote ${files.length} files to ${dir} (open it through any static web server)`);
}
