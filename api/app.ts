import Koa from 'koa';
import Router from '@koa/router';
import type { Pool } from 'pg';
import type { Config } from '../config/config';
import type { IngestService } from '../ingest/ingest-service';
import type { Logger } from '../observability/logger';
import type { DependencyCheck } from '../observability/readiness';
import './koa-state';
import { authenticate } from './middleware/authenticate';
import { problemHandler } from './middleware/problem-handler';
import { requestId } from './middleware/request-id';
import { healthRoutes } from './routes/health-routes';
import { logsRoutes } from './routes/logs-routes';
import { tasksRoutes } from './routes/tasks-routes';
import type { TenantLookup } from './tenant-scope';

export interface ApiDeps {
  config: Pick<Config, 'jwt' | 'temporal'>;
  pool: Pool;
  ingest: IngestService;
  tenants: TenantLookup;
  readinessChecks: readonly DependencyCheck[];
  logger: Logger;
}

export const API_PREFIX = '/api/v1';

/** Builds the HTTP application; it never listens (the server entry point owns that). */
export function createApp(deps: ApiDeps): Koa {
  const app = new Koa({ proxy: false });
  app.silent = true;
  app.on('error', (error: unknown, ctx?: Koa.Context) => {
    deps.logger.error({ err: error, requestId: ctx?.state.requestId, method: ctx?.method, path: ctx?.path }, 'request failed');
  });

  const api = new Router({ prefix: API_PREFIX });
  api.use(authenticate(deps.config.jwt));
  for (const routes of [
    logsRoutes({ pool: deps.pool, ingest: deps.ingest, tenants: deps.tenants }),
    tasksRoutes({ pool: deps.pool, tenants: deps.tenants, temporalUi: { url: deps.config.temporal.uiUrl, namespace: deps.config.temporal.namespace } }),
  ]) {
    api.use(routes.routes());
  }

  const health = healthRoutes(deps.readinessChecks);

  app.use(requestId());
  app.use(problemHandler());
  app.use(health.routes());
  app.use(api.routes());
  app.use(api.allowedMethods({ throw: true }));
  return app;
}
