import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Koa from 'koa';
import { problemHandler } from '../../api/middleware/problem-handler';
import { consoleRoutes } from '../../api/routes/console-routes';

/** The console's static routes over a bundle folder of the test's own, before and after a build. */
describe('console routes', () => {
  let dir: string;
  let server: Server;
  let url: string;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'console-bundle-'));
    const app = new Koa();
    app.silent = true;
    app.use(problemHandler());
    app.use(consoleRoutes({ bundleDir: dir, frameAncestors: 'https://app.example.com' }).routes());
    server = createServer(app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 naming the build command until the console is built', async () => {
    const response = await fetch(`${url}/console`);
    expect(response.status).to.equal(503);
    expect(response.headers.get('content-type')).to.contain('application/problem+json');
    expect(((await response.json()) as { detail: string }).detail).to.contain('npm run console:build');
  });

  it('serves the page uncached under a strict policy, at /console and /console/', async () => {
    mkdirSync(path.join(dir, 'assets'), { recursive: true });
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(path.join(dir, 'assets', 'main-ABC123.js'), 'export {};');
    writeFileSync(path.join(dir, 'assets', 'main-ABC123.css'), 'body{}');
    for (const address of ['/console', '/console/']) {
      const response = await fetch(`${url}${address}`);
      expect(response.status, address).to.equal(200);
      expect(response.headers.get('content-type')).to.equal('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).to.equal('no-cache');
      expect(response.headers.get('referrer-policy')).to.equal('no-referrer');
      const policy = response.headers.get('content-security-policy') as string;
      const port = new URL(url).port;
      expect(policy.split('; ')).to.include.members([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        `connect-src 'self' ws://127.0.0.1:${port} wss://127.0.0.1:${port}`,
        "object-src 'none'",
        'frame-ancestors https://app.example.com',
      ]);
    }
  });

  it('serves hashed assets by type with a year of caching, and nothing else', async () => {
    const script = await fetch(`${url}/console/assets/main-ABC123.js`);
    expect(script.headers.get('content-type')).to.equal('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).to.equal('public, max-age=31536000, immutable');
    expect(await script.text()).to.equal('export {};');
    expect((await fetch(`${url}/console/assets/main-ABC123.css`)).headers.get('content-type')).to.equal('text/css; charset=utf-8');
    for (const name of ['missing-1.js', 'index.html', '..%2Findex.html', '.source-hash', 'main-ABC123.js.map']) {
      expect((await fetch(`${url}/console/assets/${name}`)).status, name).to.equal(404);
    }
  });

  it('names no host in connect-src when the Host header is not a plain host', async () => {
    const { request } = await import('node:http');
    const policy = await new Promise<string>((resolve, reject) => {
      const req = request(`${url}/console`, { headers: { host: "evil'; script-src *" } }, (res) => {
        res.resume();
        resolve(String(res.headers['content-security-policy']));
      });
      req.on('error', reject);
      req.end();
    });
    expect(policy).to.contain("connect-src 'self'; ").and.not.contain('evil');
  });
});
