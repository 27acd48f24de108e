import Router from '@koa/router';
import { Type } from '@sinclair/typebox';
import { EXPORT_CONTENT_TYPES, EXPORT_FORMATS } from '../../features/export/export-formats';
import { type LogExport } from '../../features/export/log-export';
import { allowRoles } from '../middleware/authenticate';
import type { RouteDoc } from '../openapi/route-doc';
import { IncludeRestoredProperty, LogFilterQueryProperties, queryParser, stringEnum, toLogFilter } from '../queries/log-filter-query';
import { resolveTenant, type TenantLookup } from '../tenant-scope';

export interface ExportRouteDeps {
  exports: LogExport;
  tenants: TenantLookup;
}

export const ExportQuerySchema = Type.Object(
  {
    ...LogFilterQueryProperties,
    ...IncludeRestoredProperty,
    format: Type.Optional(stringEnum(EXPORT_FORMATS, 'ndjson (the default): one JSON event per line; or csv.', 'ndjson')),
  },
  { additionalProperties: false },
);

const parseExportQuery = queryParser(ExportQuerySchema);

export function exportRoutes(deps: ExportRouteDeps): Router {
  const router = new Router();

  router.get('/logs/export', allowRoles('admin', 'auditor'), async (ctx) => {
    const tenantId = await resolveTenant(ctx, deps.tenants);
    const query = parseExportQuery(ctx.query);
    const filter = toLogFilter(query);
    const format = query.format ?? 'ndjson';
    const body = await deps.exports.open(tenantId, filter, format);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    ctx.set('Content-Disposition', `attachment; filename="audit-logs-${tenantId}-${stamp}.${format}"`);
    ctx.set('Cache-Control', 'no-store');
    ctx.type = EXPORT_CONTENT_TYPES[format];
    ctx.body = body;
  });

  return router;
}

export const exportRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/v1/logs/export',
    summary: 'Download every matching event',
    description:
      'Streams from PostgreSQL in (event_timestamp, id) order with flat memory. CSV columns: id, tenant_id, received_at, then the ' +
      'event fields in table order; JSON objects are JSON text; a cell starting with = + - @ tab CR or LF is prefixed with a single quote. ' +
      '`q` matches what search matches (events not yet indexed do not match a `q`).',
    tags: ['logs'],
    roles: ['admin', 'auditor'],
    query: ExportQuerySchema,
    responses: {
      200: {
        description: 'The events, as an attachment.',
        contentType: 'application/x-ndjson',
        headers: { 'Content-Disposition': 'attachment; filename="audit-logs-<tenant>-<time>.<format>"' },
      },
      400: { description: 'Unknown query parameter.' },
      422: { description: 'Invalid filter values, each named by its path.' },
      503: { description: 'Too many exports in progress, or the database is unavailable.' },
    },
  },
];
