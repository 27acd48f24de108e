import Router from '@koa/router';
import { Type } from '@sinclair/typebox';
import { EXPORT_CONTENT_TYPES, EXPORT_FORMATS } from '../../features/export/export-formats';
import { type LogExport } from '../../features/export/log-export';
import { allowRoles } from '../middleware/authenticate';
import type { RouteDoc } from '../openapi/route-doc';
import { IncludeRestoredProperty, LogFilterQueryProperties, queryParser, stringEnum, toLogFilter } from '../queries/log-filter-query';
import { LOG_EXPORTERS } from '../../domain/auth';
import type { ReadAudit } from '../../features/read-audit/read-audit';
import { READ_SCOPE_NOTE, resolveReadScope } from '../read-scope';
import type { TenantLookup } from '../tenant-scope';

export interface ExportRouteDeps {
  exports: LogExport;
  tenants: TenantLookup;
  audit: ReadAudit;
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

  router.get('/logs/export', allowRoles(...LOG_EXPORTERS), async (ctx) => {
    const scope = await resolveReadScope(ctx, deps);
    const { tenantId } = scope;
    const query = parseExportQuery(ctx.query);
    const filter = scope.narrow(toLogFilter(query));
    const format = query.format ?? 'ndjson';
    // The rows are counted as they stream, so the read is recorded at the end, before the download completes.
    const recordRead = (rows: number) => scope.record({ endpoint: 'GET /logs/export', filters: filter, resultCount: rows, effective: filter });
    const body = await deps.exports.open(tenantId, filter, format, recordRead);
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
      '`q` matches what search matches (events not yet indexed do not match a `q`). ' +
      READ_SCOPE_NOTE +
      ' An export records its read after its last row, before the download completes; if that fails the download is cut short.',
    tags: ['logs'],
    roles: [...LOG_EXPORTERS],
    query: ExportQuerySchema,
    responses: {
      200: {
        description: 'The events, as an attachment.',
        contentType: 'application/x-ndjson',
        headers: { 'Content-Disposition': 'attachment; filename="audit-logs-<tenant>-<time>.<format>"' },
      },
      400: { description: 'Unknown query parameter.' },
      422: { description: 'Invalid filter values, each named by its path.' },
      503: { description: 'Too many exports in progress, the database is unavailable, or the read could not be recorded (the download is then cut short).' },
    },
  },
];
