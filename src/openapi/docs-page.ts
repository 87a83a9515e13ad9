/**
 * The interactive API reference: Swagger UI (swagger-ui-dist, pinned; OpenAPI 3.1, "Try it out",
 * ~1.7 MB of JS+CSS, no network access of its own) over the OpenAPI document. The local stack
 * serves it at /docs (src/openapi/serve.ts); `npm run build:docs` writes the same page as static
 * files. No inline script: the settings travel as data attributes, so a strict CSP holds.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Where swagger-ui-dist's files are. */
export const SWAGGER_UI_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** The only files of the package the page needs (each name maps to a file in SWAGGER_UI_DIR). */
export const SWAGGER_UI_ASSETS = ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png'] as const;

/** Our start script, beside the package's assets. */
export const DOCS_INIT_JS = `// Starts Swagger UI with the settings on this script's tag (no inline script: CSP).
(function () {
  var tag = document.currentScript;
  window.ui = SwaggerUIBundle({
    url: tag.dataset.openapi,
    dom_id: '#swagger-ui',
    deepLinking: true,
    tryItOutEnabled: tag.dataset.tryIt === 'true',
    persistAuthorization: false,
    displayRequestDuration: true,
    defaultModelsExpandDepth: 0,
    validatorUrl: null
  });
})();
`;

/**
 * The page. `base` is where the assets are ('/docs/' locally, './' when static); `openApiUrl`
 * the document to render.
 */
export const docsPage = (o: { base: string; openApiUrl: string; tryIt?: boolean; title?: string }): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title ?? 'TravelLog backend-serverless API'}</title>
<link rel="stylesheet" href="${o.base}swagger-ui.css">
<link rel="icon" type="image/png" href="${o.base}favicon-32x32.png">
</head>
<body>
<noscript>This API reference needs JavaScript; the document itself is <a href="${o.openApiUrl}">${o.openApiUrl}</a>.</noscript>
<div id="swagger-ui"></div>
<script src="${o.base}swagger-ui-bundle.js"></script>
<script src="${o.base}docs-init.js" data-openapi="${o.openApiUrl}" data-try-it="${o.tryIt ? 'true' : 'false'}"></script>
</body>
</html>
`;

/** Where each asset comes from. */
export const assetPath = (name: (typeof SWAGGER_UI_ASSETS)[number]): string => join(SWAGGER_UI_DIR, name);
