import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Router from '@koa/router';
import { Type } from '@sinclair/typebox';
import type { Context } from 'koa';
import type { RouteDoc } from '../openapi/route-doc';
import { ProblemError, problems } from '../problem';

export interface ConsoleRouteDeps {
  /** What `npm run console:build` wrote: index.html and assets/ with content-hashed names. */
  bundleDir: string;
  /** CSP frame-ancestors sources (`'none'` unless the console is meant to be embedded). */
  frameAncestors: string;
}

/** Names esbuild gives the bundle's files (`main-4KJ2XQ7A.js`); anything else is not ours. */
const ASSET = /^[A-Za-z0-9_-]+\.(js|css)$/;
const ASSET_TYPES: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };
/** A Host header fit to be named in the policy; anything else leaves connect-src at 'self'. */
const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * No inline script or style, nothing from another origin. connect-src names the page's own host for
 * ws: and wss: too, because browsers before CSP Level 3 do not count a WebSocket to the same host as 'self'.
 */
function contentSecurityPolicy(host: string | undefined, frameAncestors: string): string {
  const sockets = host && HOST.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self'${sockets}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
}

function notBuilt(error: unknown): never {
  if ((error as { code?: string }).code === 'ENOENT') {
    throw new ProblemError({ status: 503, title: 'Service Unavailable', detail: 'The console is not built: run `npm run console:build`.' });
  }
  throw error;
}

/** GET /console (the single page, every route of which lives in the URL fragment) and its hashed assets. */
export function consoleRoutes(deps: ConsoleRouteDeps): Router {
  const router = new Router();

  const page = async (ctx: Context) => {
    const html = await readFile(path.join(deps.bundleDir, 'index.html'), 'utf8').catch(notBuilt);
    ctx.set('Content-Security-Policy', contentSecurityPolicy(ctx.get('host') || undefined, deps.frameAncestors));
    ctx.set('Cache-Control', 'no-cache');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = html;
  };
  // The router is not strict: this serves /console/ too, the address the page's links use.
  router.get('/console', page);

  router.get('/console/assets/:file', async (ctx) => {
    const file = ctx.params.file as string;
    const extension = ASSET.exec(file)?.[1];
    if (!extension) throw problems.notFound('No such console asset.');
    const stream = createReadStream(path.join(deps.bundleDir, 'assets', file));
    await new Promise<void>((resolve, reject) => stream.once('open', () => resolve()).once('error', reject)).catch((error: unknown) => {
      if ((error as { code?: string }).code === 'ENOENT') throw problems.notFound('No such console asset.');
      throw error;
    });
    ctx.type = ASSET_TYPES[extension] as string;
    // The name carries a hash of the content: a new build is a new name.
    ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.body = stream;
  });

  return router;
}

const html = { description: 'The console page; its policy allows scripts, styles and connections to this origin only.', contentType: 'text/html', schema: Type.String() };
const notBuiltResponse = { description: 'The console has not been built on this machine.' };

export const consoleRouteDocs: RouteDoc[] = [
  { method: 'get', path: '/console', summary: 'The web console (sign in with a token); also at /console/', tags: ['console'], responses: { 200: html, 503: notBuiltResponse } },
  {
    method: 'get',
    path: '/console/assets/{file}',
    summary: "The console's scripts and stylesheets, named by a hash of their content",
    tags: ['console'],
    pathParams: Type.Object({ file: Type.String({ pattern: ASSET.source }) }),
    responses: {
      200: { description: 'The file; cached for a year, since a new build gets new names.', contentType: [ASSET_TYPES.js as string, ASSET_TYPES.css as string], schema: Type.String() },
      404: { description: 'No such asset.' },
    },
  },
];
