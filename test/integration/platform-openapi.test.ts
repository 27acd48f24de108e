import { expect } from 'chai';
import { servedRoutes } from '../../api/openapi/served-routes';
import { testSystem, type TestSystem } from '../support/system';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function documentedRoutes(document: { paths: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).filter((key) => METHODS.includes(key)).map((method) => `${method} ${path}`));
}

describe('platform: OpenAPI document and docs page', function () {
  this.timeout(60_000);
  let system: TestSystem;
  let document: any;

  before(async () => {
    system = await testSystem();
    const response = await system.api.http.get('/openapi.json');
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^application\/json/);
    document = response.body;
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const { Validator } = await import('@seriousme/openapi-schema-validator');
    const result = await new Validator().validate(document);
    expect(result.errors, JSON.stringify(result.errors, null, 2)).to.equal(undefined);
    expect(result.valid).to.equal(true);
    expect(document.openapi).to.match(/^3\.1\./);
  });

  it('documents exactly the routes the router serves, in both directions', () => {
    const served = servedRoutes(system.api.app).map((route) => `${route.method} ${route.path}`);
    const documented = documentedRoutes(document);
    expect(served.length).to.be.greaterThan(10);
    expect(served.filter((route) => !documented.includes(route)), 'served but undocumented').to.deep.equal([]);
    expect(documented.filter((route) => !served.includes(route)), 'documented but not served').to.deep.equal([]);
  });

  it('describes each operation: unique ids, roles, bearer auth, parameters, bodies and problem responses', () => {
    const operations = Object.values(document.paths).flatMap((item: any) => Object.values(item)) as any[];
    const ids = operations.map((operation) => operation.operationId);
    expect(new Set(ids).size).to.equal(ids.length);

    const createLog = document.paths['/api/v1/logs'].post;
    expect(createLog['x-roles']).to.deep.equal(['admin', 'user']);
    expect(createLog.security).to.deep.equal([{ bearerAuth: [] }]);
    expect(createLog.requestBody.content['application/json'].schema).to.deep.equal({ $ref: '#/components/schemas/LogEventInput' });
    expect(document.components.schemas.LogEventInput.additionalProperties).to.equal(false);
    expect(Object.keys(createLog.responses)).to.include.members(['201', '401', '403', '413', '415', '422', '429']);
    expect(createLog.responses['422'].content['application/problem+json'].schema).to.deep.equal({ $ref: '#/components/schemas/Problem' });
    expect(createLog.responses['429'].headers).to.include.keys('Retry-After', 'RateLimit-Limit');
    expect(createLog.responses['201'].headers).to.include.keys('RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'X-Request-Id', 'Location');

    const readTenant = document.paths['/api/v1/tenants/{id}'].get;
    expect(readTenant.parameters).to.deep.include({ name: 'id', in: 'path', required: true, schema: { format: 'uuid', description: 'The tenant id.', type: 'string' }, description: 'The tenant id.' });
    expect(document.paths['/healthz'].get.security).to.deep.equal([]);
    const readLog = document.paths['/api/v1/logs/{id}'].get;
    expect(readLog.parameters.map((p: any) => `${p.in}:${p.name}`)).to.include.members(['path:id', 'query:tenant_id']);
  });

  it('renders the document for humans at /docs from local assets only (no CDN)', async () => {
    const page = await system.api.http.get('/docs');
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.match(/^text\/html/);
    expect(page.headers.get('content-security-policy')).to.contain("script-src 'self'");
    const references = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
    expect(references).to.have.length.greaterThan(2);
    for (const reference of references) {
      expect(reference, 'a local path').to.match(/^\/docs\//);
      const asset = await system.api.http.get(reference);
      expect(asset.status, reference).to.equal(200);
      expect(asset.text.length, reference).to.be.greaterThan(0);
    }
    const documented = Object.keys(document.paths['/docs/{asset}'].get.responses[200].content);
    const expectedType: Record<string, string> = { css: 'text/css', js: 'text/javascript', png: 'image/png' };
    for (const reference of references) {
      const type = (await system.api.http.get(reference)).headers.get('content-type')?.split(';')[0];
      expect(type, reference).to.equal(expectedType[reference.split('.').pop() as string]);
      expect(documented, reference).to.include(type);
    }
    const initializer = await system.api.http.get('/docs/docs-initializer.js');
    expect(initializer.text).to.contain("url: '/openapi.json'");
    expect((await system.api.http.get('/docs/..%2Fpackage.json')).status).to.equal(404);
    expect((await system.api.http.get('/docs/index.html')).status).to.equal(404);
  });
});
