import type { RouteDoc } from './route-doc';
import { ProblemSchema } from './problem-schema';
import { createSchemaComponents, type JsonSchema, type SchemaComponents } from './schema-components';

export interface DocumentInfo {
  title: string;
  version: string;
  description: string;
}

type Operation = Record<string, unknown>;
export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, Record<string, Operation>> };

const RATE_LIMIT_HEADERS = {
  'RateLimit-Limit': { $ref: '#/components/headers/RateLimitLimit' },
  'RateLimit-Remaining': { $ref: '#/components/headers/RateLimitRemaining' },
  'RateLimit-Reset': { $ref: '#/components/headers/RateLimitReset' },
};
const COMMON_HEADERS = { 'X-Request-Id': { $ref: '#/components/headers/XRequestId' } };
const stringHeader = (description: string) => ({ description, schema: { type: 'string' } });
const integerHeader = (description: string) => ({ description, schema: { type: 'integer', minimum: 0 } });

/** Responses every authenticated or body-taking route can give, added where the route doc is silent. */
function implicitResponses(doc: RouteDoc): RouteDoc['responses'] {
  // Node itself refuses a request line and headers over its limit (16 KiB) before any route runs.
  const implicit: RouteDoc['responses'] = { 431: { description: 'The request line and headers exceed the server limit.' } };
  if (doc.body) {
    implicit[400] = { description: 'The body is not valid JSON, or the query string is malformed.' };
    implicit[413] = { description: `The body exceeds ${doc.body.maxBytes} bytes.` };
    implicit[415] = { description: `The body is not ${doc.body.contentType ?? 'application/json'}.` };
  }
  if (doc.roles) {
    // The query-string guard, and resolveTenant refusing a malformed tenant_id from any caller.
    implicit[400] ??= { description: 'The query string is malformed, or tenant_id is not a UUID.' };
    implicit[401] = { description: 'Missing, invalid, expired or revoked bearer token, or a token whose tenant does not exist or is suspended.' };
    implicit[403] = { description: `The token's role is not one of: ${doc.roles.join(', ')}.` };
    implicit[429] = { description: 'The rate limit is exhausted; retry after Retry-After seconds.', headers: { 'Retry-After': 'Seconds to wait before retrying.' } };
  }
  return implicit;
}

function operationId(doc: RouteDoc): string {
  const words = doc.path
    .replace(/^\/api\/v\d+/, '')
    .split('/')
    .filter(Boolean)
    .map((segment) => {
      const param = /^\{(.+)\}$/.exec(segment)?.[1];
      const pascal = (param ?? segment).split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]?.toUpperCase() + w.slice(1)).join('');
      return param ? `By${pascal}` : pascal;
    });
  return `${doc.method}${words.join('')}`;
}

function parameters(doc: RouteDoc, schemas: SchemaComponents): unknown[] {
  const path = doc.pathParams ? schemas.propertiesOf(doc.pathParams) : [];
  const declared = new Set(path.map((p) => p.name));
  const undeclared = [...doc.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string).filter((name) => !declared.has(name));
  const query = doc.query ? schemas.propertiesOf(doc.query) : [];
  const list = [
    ...path.map((p) => ({ name: p.name, in: 'path', required: true, schema: p.schema, ...describe(p.schema) })),
    ...undeclared.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    ...query.map((p) => ({ name: p.name, in: 'query', required: p.required, schema: p.schema, ...describe(p.schema) })),
  ];
  // Tenant-scoped routes that an admin may call take the tenant from the query (api.md).
  const tenantScoped = doc.roles?.includes('admin') && doc.roles.some((role) => role !== 'admin');
  if (tenantScoped && !query.some((p) => p.name === 'tenant_id')) {
    list.push({
      name: 'tenant_id',
      in: 'query',
      required: false,
      schema: { type: 'string', format: 'uuid' },
      description: 'Admin tokens only: the tenant to act on (required from an admin token that has no tenant_id claim).',
    });
  }
  return list;
}

const describe = (schema: JsonSchema) => (typeof schema.description === 'string' ? { description: schema.description } : {});

function responses(doc: RouteDoc, schemas: SchemaComponents): Record<string, unknown> {
  const all = { ...implicitResponses(doc), ...doc.responses };
  return Object.fromEntries(
    Object.entries(all).map(([status, response]) => {
      const isError = Number(status) >= 400;
      const schema = response.schema ? schemas.toJsonSchema(response.schema) : isError ? { $ref: '#/components/schemas/Problem' } : undefined;
      const contentTypes = [response.contentType ?? (isError ? 'application/problem+json' : 'application/json')].flat();
      const headers = {
        ...COMMON_HEADERS,
        ...(doc.roles && status !== '401' ? RATE_LIMIT_HEADERS : {}),
        ...Object.fromEntries(Object.entries(response.headers ?? {}).map(([name, description]) => [name, stringHeader(description)])),
      };
      const content = Object.fromEntries(contentTypes.map((type) => [type, { schema }]));
      return [status, { description: response.description, headers, ...(schema ? { content } : {}) }];
    }),
  );
}

function operation(doc: RouteDoc, schemas: SchemaComponents): Operation {
  const rolesNote = doc.roles ? `Roles: ${doc.roles.join(', ')}.` : 'No authentication.';
  return {
    operationId: operationId(doc),
    summary: doc.summary,
    description: [doc.description, rolesNote].filter(Boolean).join('\n\n'),
    tags: doc.tags,
    security: doc.roles ? [{ bearerAuth: [] }] : [],
    ...(doc.roles ? { 'x-roles': doc.roles } : {}),
    parameters: parameters(doc, schemas),
    ...(doc.body
      ? {
          requestBody: {
            required: true,
            description: `At most ${doc.body.maxBytes} bytes.`,
            content: { [doc.body.contentType ?? 'application/json']: { schema: schemas.toJsonSchema(doc.body.schema) } },
          },
        }
      : {}),
    responses: responses(doc, schemas),
  };
}

/** The OpenAPI 3.1 document of every route, from the RouteDocs the routes modules export. */
export function buildOpenApiDocument(docs: readonly RouteDoc[], info: DocumentInfo): OpenApiDocument {
  const schemas = createSchemaComponents();
  schemas.toJsonSchema(ProblemSchema);
  const paths: OpenApiDocument['paths'] = {};
  for (const doc of [...docs].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method))) {
    const item = (paths[doc.path] ??= {});
    if (item[doc.method]) throw new Error(`two RouteDocs for ${doc.method.toUpperCase()} ${doc.path}`);
    item[doc.method] = operation(doc, schemas);
  }
  const ids = Object.values(paths).flatMap((item) => Object.values(item).map((op) => op.operationId as string));
  const repeated = ids.filter((id, index) => ids.indexOf(id) !== index);
  if (repeated.length > 0) throw new Error(`operationIds derived twice: ${repeated.join(', ')}`);
  const tags = [...new Set(docs.flatMap((doc) => doc.tags))].sort().map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info,
    tags,
    paths,
    components: {
      schemas: schemas.components,
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      headers: {
        XRequestId: stringHeader("The caller's X-Request-Id, or one the server generated."),
        RateLimitLimit: integerHeader("Requests allowed per one-second window for this tenant (bursts may exceed it)."),
        RateLimitRemaining: integerHeader('Requests left in the current window (or in the burst credit, once the window is spent).'),
        RateLimitReset: integerHeader('Seconds until the current window resets.'),
      },
    },
  };
}
