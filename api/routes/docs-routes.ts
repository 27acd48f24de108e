import { createReadStream } from 'node:fs';
import path from 'node:path';
import Router from '@koa/router';
import { Type } from '@sinclair/typebox';
// The path helper alone: the package's index evaluates its 2 MB browser bundles in the API process
// (~10 MiB resident, issue 13), and the API only serves those files.
import getAbsoluteFSPath from 'swagger-ui-dist/absolute-path';
import type { OpenApiDocument } from '../openapi/build-document';
import type { RouteDoc } from '../openapi/route-doc';
import { problems } from '../problem';

const INITIALIZER = `window.onload = function () {
  window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, presets: [SwaggerUIBundle.presets.apis], layout: 'BaseLayout' });
};
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Audit Log API reference</title>
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/docs-initializer.js"></script>
</body>
</html>
`;

/** The only files served under /docs/: swagger-ui-dist's own (no CDN: the machines may be offline) and the initializer. */
const ASSETS: Record<string, { type: string; file?: string; text?: string }> = {
  'swagger-ui.css': { type: 'text/css', file: 'swagger-ui.css' },
  'swagger-ui-bundle.js': { type: 'text/javascript', file: 'swagger-ui-bundle.js' },
  'favicon-32x32.png': { type: 'image/png', file: 'favicon-32x32.png' },
  'docs-initializer.js': { type: 'text/javascript', text: INITIALIZER },
};

// Swagger UI needs inline styles; scripts come only from this origin (the initializer is a file, not inline).
const CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; base-uri 'none'";

/** GET /openapi.json (the contract, OpenAPI 3.1), GET /docs (Swagger UI over it) and its assets. */
export function docsRoutes(document: () => OpenApiDocument): Router {
  const router = new Router();
  const uiDirectory = getAbsoluteFSPath();

  router.get('/openapi.json', (ctx) => {
    ctx.body = document();
  });

  router.get('/docs', (ctx) => {
    ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = PAGE;
  });

  router.get('/docs/:asset', (ctx) => {
    const asset = Object.hasOwn(ASSETS, ctx.params.asset as string) ? ASSETS[ctx.params.asset as string] : undefined;
    if (!asset) throw problems.notFound('No such documentation asset.');
    ctx.type = asset.type;
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = asset.file ? createReadStream(path.join(uiDirectory, asset.file)) : asset.text;
  });

  return router;
}

export const docsRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/openapi.json',
    summary: 'This API as an OpenAPI 3.1 document',
    description: 'Generated from the schemas the handlers validate with.',
    tags: ['operations'],
    responses: { 200: { description: 'The OpenAPI document.', schema: Type.Object({}, { additionalProperties: true }) } },
  },
  {
    method: 'get',
    path: '/docs',
    summary: 'Human-readable API reference',
    tags: ['operations'],
    responses: { 200: { description: 'An HTML page rendering /openapi.json.', contentType: 'text/html', schema: Type.String() } },
  },
  {
    method: 'get',
    path: '/docs/{asset}',
    summary: 'Static files of the API reference page',
    tags: ['operations'],
    pathParams: Type.Object({ asset: Type.Union(Object.keys(ASSETS).map((name) => Type.Literal(name))) }),
    responses: {
      200: { description: 'The file, typed by its kind: stylesheet, script or image.', contentType: [...new Set(Object.values(ASSETS).map((asset) => asset.type))], schema: Type.String() },
      404: { description: 'No such asset.' },
    },
  },
];
