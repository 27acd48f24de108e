import Router from '@koa/router';
import type { Pool } from 'pg';
import { LogEventInputSchema } from '../../domain/log-event';
import { logsRepository } from '../../db/logs-repository';
import { withTenantTx } from '../../db/tenant-transaction';
import type { IngestService } from '../../ingest/ingest-service';
import { checkEventRules, toNewLogRow } from '../../ingest/normalize-event';
import { compileBody } from '../../validation/ajv';
import { allowRoles } from '../middleware/authenticate';
import { jsonBody } from '../middleware/json-body';
import { problems } from '../problem';
import { isUuid, resolveTenant, type TenantLookup } from '../tenant-scope';

export const SINGLE_EVENT_BODY_LIMIT = 64 * 1024;

export interface LogsRouteDeps {
  pool: Pool;
  ingest: IngestService;
  tenants: TenantLookup;
}

const validateEvent = compileBody(LogEventInputSchema);

export function logsRoutes(deps: LogsRouteDeps): Router {
  const router = new Router();

  router.post('/logs', allowRoles('admin', 'user'), jsonBody(SINGLE_EVENT_BODY_LIMIT), async (ctx) => {
    const tenantId = await resolveTenant(ctx, deps.tenants);
    const now = new Date();
    const parsed = validateEvent(ctx.request.body);
    if (!parsed.ok) throw problems.validationFailed(parsed.errors);
    const ruleErrors = checkEventRules(parsed.value, '', now);
    if (ruleErrors.length > 0) throw problems.validationFailed(ruleErrors);
    const actor = ctx.state.principal?.sub as string;
    const { events } = await deps.ingest.ingest(tenantId, actor, [toNewLogRow(parsed.value, actor, now)]);
    const [event] = events as [(typeof events)[number]];
    ctx.status = event.duplicate ? 200 : 201;
    ctx.set('Location', `/api/v1/logs/${event.id}`);
    ctx.body = { id: event.id, event_timestamp: event.event_timestamp, received_at: event.received_at };
  });

  router.get('/logs/:id', allowRoles('admin', 'user', 'auditor'), async (ctx) => {
    const tenantId = await resolveTenant(ctx, deps.tenants);
    const id = ctx.params.id as string;
    if (!isUuid(id)) throw problems.notFound('No such log event.');
    const event = await withTenantTx(deps.pool, tenantId, (tx) => logsRepository(tx).findById(tenantId, id));
    if (!event) throw problems.notFound('No such log event.');
    ctx.body = event;
  });

  return router;
}
