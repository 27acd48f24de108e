import Router from '@koa/router';
import { Type } from '@sinclair/typebox';
import type { Pool } from 'pg';
import { LogEventInputSchema } from '../../domain/log-event';
import type { IntegrityReader } from '../../features/integrity/integrity-reader';
import type { IngestService } from '../../features/ingest/ingest-service';
import { checkEventRules, toNewLogRow } from '../../features/ingest/normalize-event';
import { compileBody } from '../../platform/validation/ajv';
import { allowRoles } from '../middleware/authenticate';
import { jsonBody } from '../middleware/json-body';
import { LogEventSchema } from '../openapi/log-event-schema';
import type { RouteDoc } from '../openapi/route-doc';
import { problems } from '../problem';
import { LOG_READERS } from '../../domain/auth';
import type { ReadAudit } from '../../features/read-audit/read-audit';
import { READ_SCOPE_NOTE, resolveReadScope, UNRECORDED_READ } from '../read-scope';
import { isUuid } from '../../domain/uuid-text';
import { resolveTenant, type TenantLookup } from '../tenant-scope';

export const SINGLE_EVENT_BODY_LIMIT = 64 * 1024;

export interface LogsRouteDeps {
  pool: Pool;
  ingest: IngestService;
  tenants: TenantLookup;
  audit: ReadAudit;
  /** EVENT_TIMESTAMP_HORIZON_YEARS: how old an event may be. */
  horizonYears: number;
  /** Reads the event with its seq in the tamper-evident log. */
  integrity: Pick<IntegrityReader, 'event'>;
}

const validateEvent = compileBody(LogEventInputSchema);

export function logsRoutes(deps: LogsRouteDeps): Router {
  const router = new Router();

  router.post('/logs', allowRoles('admin', 'user'), jsonBody(SINGLE_EVENT_BODY_LIMIT), async (ctx) => {
    const tenantId = await resolveTenant(ctx, deps.tenants);
    const now = new Date();
    const parsed = validateEvent(ctx.request.body);
    if (!parsed.ok) throw problems.validationFailed(parsed.errors);
    const ruleErrors = checkEventRules(parsed.value, '', now, deps.horizonYears);
    if (ruleErrors.length > 0) throw problems.validationFailed(ruleErrors);
    const actor = ctx.state.principal?.sub as string;
    const event = await deps.ingest.ingestOne(tenantId, actor, toNewLogRow(parsed.value, actor, now));
    ctx.status = event.duplicate ? 200 : 201;
    ctx.set('Location', `/api/v1/logs/${event.id}`);
    ctx.body = { id: event.id, event_timestamp: event.event_timestamp.toISOString(), received_at: event.received_at.toISOString() };
  });

  router.get('/logs/:id', allowRoles(...LOG_READERS), async (ctx) => {
    const scope = await resolveReadScope(ctx, deps);
    const id = ctx.params.id as string;
    if (!isUuid(id)) throw problems.notFound('No such log event.');
    const stored = await deps.integrity.event(scope.tenantId, id.toLowerCase());
    // Outside a viewer's fixed filters an event does not exist for it, exactly as another tenant's.
    const event = stored && scope.shows(stored) ? stored : undefined;
    await scope.record({ endpoint: 'GET /logs/{id}', filters: { id: id.toLowerCase() }, resultCount: event ? 1 : 0, effective: event ?? {} });
    if (!event) throw problems.notFound('No such log event.');
    ctx.body = event;
  });

  return router;
}

const CreatedLogSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  event_timestamp: Type.String({ format: 'date-time' }),
  received_at: Type.String({ format: 'date-time' }),
});

export const logsRouteDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/api/v1/logs',
    summary: 'Write one audit event',
    description: 'The event is durable in PostgreSQL when the response is sent, and reaches search and the live stream shortly after. Unknown fields are rejected.',
    tags: ['logs'],
    roles: ['admin', 'user'],
    body: { schema: LogEventInputSchema, maxBytes: SINGLE_EVENT_BODY_LIMIT },
    responses: {
      201: { description: 'Stored.', schema: CreatedLogSchema, headers: { Location: 'The stored event.' } },
      200: { description: 'A repeated event_id with the same content: the original event; nothing was written.', schema: CreatedLogSchema, headers: { Location: 'The original event.' } },
      409: { description: 'The event_id was used before for different content.' },
      422: { description: 'Invalid or unknown fields, each named by its path (an `event_timestamp` older than the horizon too); nothing written.' },
    },
  },
  {
    method: 'get',
    path: '/api/v1/logs/{id}',
    summary: 'Read one audit event',
    description: `${READ_SCOPE_NOTE} An event outside a viewer's filters is a 404, like a missing one.`,
    tags: ['logs'],
    roles: [...LOG_READERS],
    pathParams: Type.Object({ id: Type.String({ description: "The event's id (a UUID)." }) }),
    responses: {
      200: { description: 'The event.', schema: LogEventSchema },
      404: { description: 'No such event in this tenant (also for an id that is not a UUID), or outside a viewer token\'s filters.' },
      503: UNRECORDED_READ,
    },
  },
];
