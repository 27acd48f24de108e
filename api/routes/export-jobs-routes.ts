import Router from '@koa/router';
import { Type } from '@sinclair/typebox';
import type { Context } from 'koa';
import { EXPORT_FORMATS } from '../../features/export/export-formats';
import type { ExportDownloads } from '../../features/export/export-downloads';
import { ExportNotFoundError, PRESIGNED_URL_SECONDS } from '../../features/export/export-downloads';
import type { ExportRequester } from '../../features/export/request-export';
import { compileBody } from '../../platform/validation/ajv';
import { jsonBody } from '../middleware/json-body';
import { allowRoles } from '../middleware/authenticate';
import type { RouteDoc } from '../openapi/route-doc';
import { TaskIdSchema } from '../openapi/task-schema';
import { problems } from '../problem';
import { filterRuleErrors, LogFilterQueryProperties, queryParser, stringEnum, toLogFilter } from '../queries/log-filter-query';
import type { ReadAudit } from '../../features/read-audit/read-audit';
import { resolveReadScope } from '../read-scope';
import { isUuid } from '../../domain/uuid-text';
import { resolveTenant, type TenantLookup } from '../tenant-scope';

export interface ExportJobRouteDeps {
  tenants: TenantLookup;
  requester: ExportRequester;
  downloads: ExportDownloads;
  audit: ReadAudit;
}

const EXPORT_BODY_LIMIT = 16 * 1024;

const { tenant_id: tenantIdProperty, ...filterProperties } = LogFilterQueryProperties;

/** GET /logs/export's filters as a JSON body (the same names, values and rules), and a required format. */
export const ExportJobBodySchema = Type.Object(
  { ...filterProperties, format: stringEnum(EXPORT_FORMATS, 'ndjson (one JSON event per line) or csv.') },
  { additionalProperties: false },
);
const validateBody = compileBody(ExportJobBodySchema);

const TenantQuerySchema = Type.Object({ tenant_id: tenantIdProperty }, { additionalProperties: false });
const parseTenantQuery = queryParser(TenantQuerySchema);

const DownloadQuerySchema = Type.Object(
  {
    tenant_id: tenantIdProperty,
    redirect: Type.Optional(stringEnum(['presigned'] as const, 'presigned: answer 307 to a presigned object URL instead of streaming the object.')),
  },
  { additionalProperties: false },
);
const parseDownloadQuery = queryParser(DownloadQuerySchema);

const TaskIdParam = Type.Object({ task_id: Type.String({ format: 'uuid' }) });

/** The body's schema errors and the filters' own rules together, so every bad field is named at once. */
function parseBody(raw: unknown) {
  const parsed = validateBody(raw);
  const schemaErrors = parsed.ok ? [] : parsed.errors;
  const reported = new Set(schemaErrors.map((error) => error.path));
  const isObject = typeof raw === 'object' && raw !== null && !Array.isArray(raw);
  const ruleErrors = isObject ? filterRuleErrors(raw as Record<string, unknown>).filter((error) => !reported.has(error.path)) : [];
  if (!parsed.ok || ruleErrors.length > 0) throw problems.validationFailed([...schemaErrors, ...ruleErrors]);
  const { format, ...filters } = parsed.value;
  return { format, filter: toLogFilter(filters) };
}

function taskIdParam(ctx: Context): string {
  const id = ctx.params.task_id as string;
  if (!isUuid(id)) throw new ExportNotFoundError('No such export job.');
  return id.toLowerCase();
}

export function exportJobRoutes(deps: ExportJobRouteDeps): Router {
  const router = new Router();

  router.post('/exports', allowRoles('admin', 'auditor'), jsonBody(EXPORT_BODY_LIMIT), async (ctx) => {
    const tenantId = await resolveTenant(ctx, deps.tenants);
    parseTenantQuery(ctx.query);
    const { taskId } = await deps.requester.request(tenantId, ctx.state.principal?.sub as string, parseBody(ctx.request.body));
    ctx.status = 202;
    ctx.set('Location', `/api/v1/tasks/${taskId}`);
    ctx.body = { task_id: taskId };
  });

  router.get('/exports/:task_id/download', allowRoles('admin', 'auditor'), async (ctx) => {
    const scope = await resolveReadScope(ctx, deps);
    const query = parseDownloadQuery(ctx.query);
    const taskId = taskIdParam(ctx);
    const found = await deps.downloads.locate(scope.tenantId, taskId);
    // The download is where an export job's events are read: an auditor's is recorded (the job's own filters are in its task).
    await scope.record({ endpoint: 'GET /exports/{task_id}/download', filters: { task_id: taskId }, resultCount: found.result.rows, effective: {} });
    ctx.set('Cache-Control', 'no-store');
    if (query.redirect === 'presigned') {
      const { url, expiresAt } = await deps.downloads.presign(found);
      ctx.set('Expires', new Date(expiresAt).toUTCString());
      ctx.status = 307;
      ctx.set('Location', url);
      ctx.body = { download_url: url, expires_at: expiresAt };
      return;
    }
    const body = await deps.downloads.open(found);
    ctx.set('Content-Disposition', `attachment; filename="${found.fileName}"`);
    ctx.set('Content-Length', String(found.result.bytes));
    ctx.set('X-Content-SHA256', found.result.sha256);
    ctx.type = 'application/gzip';
    ctx.body = body;
  });

  return router;
}

export const exportJobRouteDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/api/v1/exports',
    summary: 'Start an export job',
    description:
      'The filters of GET /logs/export, as a JSON body, and a required format. Creates an `export` task whose workflow streams the ' +
      'matching events from PostgreSQL, with the columns and formula neutralisation of GET /logs/export, gzip-compressed into one object ' +
      'in the archive bucket (`tenants/<tenant>/exports/<task_id>.<format>.gz`). The task\'s result: `{rows, bytes, sha256, object_key, ' +
      'expires_at}` (sha256 of the gzip object). Progress (rows) is heartbeated onto the task; a worker that dies is replaced and the ' +
      'object is written again from the start. The object can be downloaded until expires_at (EXPORT_RETENTION_DAYS after it was written).',
    tags: ['exports'],
    roles: ['admin', 'auditor'],
    query: TenantQuerySchema,
    body: { schema: ExportJobBodySchema, maxBytes: EXPORT_BODY_LIMIT },
    responses: {
      202: { description: 'Accepted; follow the task.', schema: TaskIdSchema, headers: { Location: 'The task.' } },
      400: { description: 'Malformed JSON, an unknown query parameter, or an admin token without tenant_id.' },
      422: { description: 'Unknown fields, a missing or unknown format, or invalid filter values, each named by its path.' },
    },
  },
  {
    method: 'get',
    path: '/api/v1/exports/{task_id}/download',
    summary: "Download an export job's object",
    description:
      'Streams the gzip object of a succeeded export job of the caller\'s tenant. With `redirect=presigned` the answer is a 307 to a ' +
      `presigned object URL valid for ${PRESIGNED_URL_SECONDS / 60} minutes (never past the export's expiry), also given in the body. ` +
      "An auditor's download is recorded in the tenant's log as an audit_log.viewed event (filters: the task_id; result_count: the job's rows) before it starts; 503 if it cannot be.",
    tags: ['exports'],
    roles: ['admin', 'auditor'],
    pathParams: TaskIdParam,
    query: DownloadQuerySchema,
    responses: {
      200: {
        description: 'The gzip object.',
        contentType: 'application/gzip',
        headers: { 'Content-Disposition': 'attachment; filename="<task_id>.<format>.gz"', 'X-Content-SHA256': "The object's SHA-256, as in the task's result." },
      },
      307: {
        description: 'redirect=presigned: the presigned URL, in Location and in the body.',
        schema: Type.Object({ download_url: Type.String({ format: 'uri' }), expires_at: Type.String({ format: 'date-time' }) }),
        headers: { Location: 'The presigned URL.' },
      },
      400: { description: 'An unknown query parameter, or an admin token without tenant_id.' },
      404: { description: "No export job with this id in the caller's tenant, or its object expired." },
      409: { description: 'The export job has not succeeded (yet).' },
      422: { description: 'An invalid redirect value.' },
      503: { description: 'The download could not be recorded in the audit log (auditor tokens), or a dependency is down.' },
    },
  },
];
