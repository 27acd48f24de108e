import Router from '@koa/router';
import { Type } from '@sinclair/typebox';
import { LogEventInputSchema } from '../../domain/log-event';
import type { IngestService } from '../../features/ingest/ingest-service';
import { checkEventRules, toNewLogRow } from '../../features/ingest/normalize-event';
import { compileBody } from '../../platform/validation/ajv';
import { allowRoles } from '../middleware/authenticate';
import { jsonBody } from '../middleware/json-body';
import type { RouteDoc } from '../openapi/route-doc';
import { problems } from '../problem';
import { resolveTenant, type TenantLookup } from '../tenant-scope';

export const BULK_BODY_LIMIT = 5 * 1024 * 1024;
export const BULK_MAX_EVENTS = 1000;

export const BulkLogsInputSchema = Type.Object(
  { logs: Type.Array(LogEventInputSchema, { minItems: 1, maxItems: BULK_MAX_EVENTS }) },
  { additionalProperties: false },
);

export const BulkLogsResultSchema = Type.Object({
  count: Type.Integer({ description: 'Events in the request.' }),
  ids: Type.Array(Type.String({ format: 'uuid' }), { description: 'The id of each event, in request order (the original id for a repeated event_id).' }),
  task_id: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], { description: 'The reindex task carrying the new events to search; null when every event was a repeat.' }),
});

const validateBulk = compileBody(BulkLogsInputSchema);

export interface BulkLogsRouteDeps {
  ingest: IngestService;
  tenants: TenantLookup;
  /** EVENT_TIMESTAMP_HORIZON_YEARS: how old an event may be. */
  horizonYears: number;
}

/** `POST /logs/bulk`: all or nothing — one invalid event rejects the batch, naming every invalid event by index. */
export function bulkLogsRoutes(deps: BulkLogsRouteDeps): Router {
  const router = new Router();
  router.post('/logs/bulk', allowRoles('admin', 'user'), jsonBody(BULK_BODY_LIMIT), async (ctx) => {
    const tenantId = await resolveTenant(ctx, deps.tenants);
    const now = new Date();
    const parsed = validateBulk(ctx.request.body);
    if (!parsed.ok) throw problems.validationFailed(parsed.errors);
    const ruleErrors = parsed.value.logs.flatMap((event, index) => checkEventRules(event, `/logs/${index}`, now, deps.horizonYears));
    if (ruleErrors.length > 0) throw problems.validationFailed(ruleErrors);
    const actor = ctx.state.principal?.sub as string;
    const rows = parsed.value.logs.map((event) => toNewLogRow(event, actor, now));
    const { events, taskId } = await deps.ingest.ingest(tenantId, actor, rows);
    ctx.status = taskId === null ? 200 : 201;
    ctx.body = { count: events.length, ids: events.map((event) => event.id), task_id: taskId };
  });
  return router;
}

export const bulkLogsRouteDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/api/v1/logs/bulk',
    summary: 'Write 1 to 1,000 events at once, all or nothing',
    description:
      'Every event is validated first; if any is invalid nothing is written and the 422 lists every invalid field by index (`/logs/17/severity`). ' +
      'A repeated `event_id` with the same content returns the original id and writes nothing; with different content the whole batch is a 409.',
    tags: ['logs'],
    roles: ['admin', 'user'],
    body: { schema: BulkLogsInputSchema, maxBytes: BULK_BODY_LIMIT },
    responses: {
      201: { description: 'Written; the events reach search and the live stream shortly after.', schema: BulkLogsResultSchema },
      200: { description: 'Every event repeated an earlier `event_id`: nothing written.', schema: BulkLogsResultSchema },
      409: { description: 'An `event_id` was used before for different content: nothing written.' },
      422: { description: 'Invalid or unknown fields, or more than 1,000 events: every one named by its path (`/logs/17/severity`); nothing written.' },
    },
  },
];
