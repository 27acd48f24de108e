import { expect } from 'chai';
import { Type } from '@sinclair/typebox';
import { buildOpenApiDocument } from '../../api/openapi/build-document';
import type { RouteDoc } from '../../api/openapi/route-doc';

const INFO = { title: 'T', version: '1', description: 'D' };
const Thing = Type.Object({ name: Type.String() }, { $id: 'Thing', additionalProperties: false });

const docs: RouteDoc[] = [
  {
    method: 'post',
    path: '/api/v1/things/{id}',
    summary: 'Make a thing',
    tags: ['things'],
    roles: ['admin', 'user'],
    pathParams: Type.Object({ id: Type.String({ format: 'uuid', description: 'Its id.' }) }),
    query: Type.Object({ dry_run: Type.Optional(Type.Boolean()) }),
    body: { schema: Thing, maxBytes: 1024 },
    responses: { 201: { description: 'Made.', schema: Type.Object({ thing: Type.Ref('Thing'), list: Type.Array(Thing) }) }, 409: { description: 'Exists.' } },
  },
  { method: 'get', path: '/status/{part}', summary: 'Status', tags: ['ops'], responses: { 200: { description: 'OK', contentType: 'text/plain', schema: Type.String() } } },
];

describe('unit: OpenAPI document from RouteDocs', () => {
  const document = buildOpenApiDocument(docs, INFO) as any;

  it('hoists $id schemas into components and points every use, and Type.Ref, at them', () => {
    const operation = document.paths['/api/v1/things/{id}'].post;
    expect(operation.requestBody.content['application/json'].schema).to.deep.equal({ $ref: '#/components/schemas/Thing' });
    const created = operation.responses['201'].content['application/json'].schema;
    expect(created.properties.thing).to.deep.equal({ $ref: '#/components/schemas/Thing' });
    expect(created.properties.list.items).to.deep.equal({ $ref: '#/components/schemas/Thing' });
    expect(document.components.schemas.Thing).to.deep.equal({ type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false });
    expect(JSON.stringify(document)).not.to.contain('"$id"');
  });

  it('turns path and query schemas into parameters, and adds tenant_id for routes an admin calls for a tenant', () => {
    const parameters = document.paths['/api/v1/things/{id}'].post.parameters;
    expect(parameters).to.deep.include({ name: 'id', in: 'path', required: true, schema: { format: 'uuid', description: 'Its id.', type: 'string' }, description: 'Its id.' });
    expect(parameters).to.deep.include({ name: 'dry_run', in: 'query', required: false, schema: { type: 'boolean' } });
    expect(parameters.map((p: any) => p.name)).to.include('tenant_id');
    expect(document.paths['/status/{part}'].get.parameters).to.deep.equal([{ name: 'part', in: 'path', required: true, schema: { type: 'string' } }]);
  });

  it('adds the responses authentication, rate limiting, bodies and the header limit of Node imply, as problem+json, with rate-limit headers', () => {
    const responses = document.paths['/api/v1/things/{id}'].post.responses;
    expect(Object.keys(responses).sort()).to.deep.equal(['201', '400', '401', '403', '409', '413', '415', '429', '431']);
    expect(responses['409'].content).to.deep.equal({ 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } });
    expect(responses['429'].headers).to.include.keys('Retry-After', 'RateLimit-Reset');
    expect(responses['401'].headers).not.to.have.key('RateLimit-Limit');
    const status = document.paths['/status/{part}'].get;
    expect(status.security).to.deep.equal([]);
    expect(Object.keys(status.responses)).to.deep.equal(['200', '431']);
    expect(status.responses['200'].headers).to.have.keys('X-Request-Id');
  });

  it('refuses two docs for one operation', () => {
    expect(() => buildOpenApiDocument([docs[1] as RouteDoc, docs[1] as RouteDoc], INFO)).to.throw(/two RouteDocs for GET \/status\/\{part\}/);
  });

  it('validates as OpenAPI 3.1, and the validator does reject a broken document', async () => {
    const { Validator } = await import('@seriousme/openapi-schema-validator');
    expect((await new Validator().validate(document)).valid).to.equal(true);
    const broken = { ...document, paths: { '/x': { get: { responses: { 200: {} } } } } };
    expect((await new Validator().validate(broken)).valid).to.equal(false);
  });
});
