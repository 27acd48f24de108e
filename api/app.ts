import { metricsExposition } from '../platform/observability/cluster-metrics';
import type { TaskOutbox } from '../features/delivery/task-outbox';
import Koa from 'koa';
import Router from '@koa/router';
import type { Pool } from 'pg';
import type { TokenVerifier } from '../platform/auth/token-verifier';
import type { Config } from '../platform/config/config';
import type { IngestService } from '../features/ingest/ingest-service';
import type { Logger } from '../platform/observability/logger';
import type { ApiMetrics } from '../platform/observability/metrics';
import type { DependencyCheck } from '../platform/observability/readiness';
import type { RequestRateLimiter } from '../adapters/redis/tenant-rate-limiter';
import { createTaskListing } from '../features/tasks/list-tasks';
import { createReconcileRequester } from '../features/tasks/request-reconcile';
import { createTenantReindexRequester } from '../features/tasks/request-tenant-reindex';
import { createTaskRetry } from '../features/tasks/retry-task';
import { createCleanupRequester } from '../features/retention/request-cleanup';
import type { AccessRevocations } from '../features/tenancy/access-revocations';
import { createTenantAdmin } from '../features/tenancy/tenant-admin';
import { createReadAudit } from '../features/read-audit/read-audit';
import { createTenantSuspension } from '../features/tenancy/tenant-suspension';
import { createTokenRevocation } from '../features/tenancy/token-revocation';
import type { CallerAccess } from './admit-caller';
import './koa-state';
import { authenticate } from './middleware/authenticate';
import { drainUnreadBody } from './middleware/drain-unread-body';
import { methodGuard } from './middleware/method-guard';
import { observeRequests } from './middleware/observe-requests';
import { problemHandler } from './middleware/problem-handler';
import { queryGuard } from './middleware/query-guard';
import { rateLimit } from './middleware/rate-limit';
import { requestId } from './middleware/request-id';
import { tenantContext } from './middleware/tenant-context';
import { buildOpenApiDocument } from './openapi/build-document';
import type { RouteDoc } from './openapi/route-doc';
import { recordRouters } from './openapi/served-routes';
import { bulkLogsRouteDocs, bulkLogsRoutes } from './routes/bulk-logs-routes';
import { consoleRouteDocs, consoleRoutes } from './routes/console-routes';
import { docsRouteDocs, docsRoutes } from './routes/docs-routes';
import { exportRouteDocs, exportRoutes } from './routes/export-routes';
import { exportJobRouteDocs, exportJobRoutes } from './routes/export-jobs-routes';
import { createExportRequester } from '../features/export/request-export';
import type { ExportDownloads } from '../features/export/export-downloads';
import { healthRouteDocs, healthRoutes } from './routes/health-routes';
import { restoresRouteDocs, restoresRoutes } from './routes/restores-routes';
import { createRestoreRequester } from '../features/restore/request-restore';
import type { RestoreAdmin } from '../features/restore/restore-admin';
import { logsRouteDocs, logsRoutes } from './routes/logs-routes';
import { integrityRouteDocs, integrityRoutes, wellKnownKeysRouteDocs, wellKnownKeysRoutes } from './routes/integrity-routes';
import { createIntegrityReader } from '../features/integrity/integrity-reader';
import { createVerifyRequester } from '../features/integrity/request-verify';
import { metricsRouteDocs, metricsRoutes } from './routes/metrics-routes';
import { reconcileRouteDocs, reconcileRoutes } from './routes/reconcile-routes';
import { reindexRouteDocs, reindexRoutes } from './routes/reindex-routes';
import { retentionRouteDocs, retentionRoutes } from './routes/retention-routes';
import { searchRouteDocs, searchRoutes } from './routes/search-routes';
import { statsRouteDocs, statsRoutes } from './routes/stats-routes';
import { tasksRouteDocs, tasksRoutes } from './routes/tasks-routes';
import { tenantTokensRouteDocs, tenantTokensRoutes } from './routes/tenant-tokens-routes';
import { tenantsRouteDocs, tenantsRoutes } from './routes/tenants-routes';
import { streamRouteDocs, streamRoutes } from './stream/stream-routes';
import type { LogQueryServices } from './log-query-services';
import type { TenantDirectory } from './tenant-directory';

export interface ApiDeps {
  config: Pick<Config, 'jwt' | 'temporal' | 'rateLimit' | 'archive' | 'events' | 'integrity' | 'console'>;
  pool: Pool;
  ingest: IngestService;
  outbox: TaskOutbox;
  tenants: TenantDirectory;
  logQueries: LogQueryServices;
  /** Export jobs' objects in the archive bucket. */
  exportDownloads: ExportDownloads;
  /** Listing restores and ending them early (their copies are in search). */
  restoreAdmin: RestoreAdmin;
  verifier: TokenVerifier;
  /** Refuses revoked tokens and suspended tenants' from memory. */
  access: CallerAccess;
  /** Where revocations and suspensions are announced to every API process. */
  revocations: Pick<AccessRevocations, 'announce'>;
  rateLimiter: RequestRateLimiter;
  metrics: ApiMetrics;
  readinessChecks: readonly DependencyCheck[];
  logger: Logger;
}

export const API_PREFIX = '/api/v1';

const CLIENT_GONE = new Set(['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE']);

/** One area of the API: its router, mounted under API_PREFIX, and a RouteDoc for every route it serves. */
interface ApiArea {
  router: Router;
  docs: readonly RouteDoc[];
}

const DOCUMENT_INFO = {
  title: 'Audit Log API',
  version: '1.0.0',
  description:
    'A multi-tenant audit log: ingest, search, statistics, export, live tail and verified archival. Errors are RFC 9457 problem details. ' +
    'No string, in a body or a query, may contain the NUL character (U+0000): PostgreSQL cannot store it (422).',
};

/** Builds the HTTP application; it never listens (the server entry point owns that). */
export function createApp(deps: ApiDeps): Koa {
  const app = new Koa({ proxy: false });
  app.silent = true;
  app.on('error', (error: unknown, ctx?: Koa.Context) => {
    const fields = { err: error, requestId: ctx?.state.requestId, method: ctx?.method, path: ctx?.path };
    // A client that hangs up mid-download is not a server failure.
    if (CLIENT_GONE.has((error as { code?: string }).code ?? '')) deps.logger.info(fields, 'client closed the connection');
    else deps.logger.error(fields, 'request failed');
  });

  const integrity = createIntegrityReader({ pool: deps.pool, keys: deps.config.integrity.keys.verifying });
  const audit = createReadAudit({ ingest: deps.ingest, logger: deps.logger });
  // Every routes module's router goes here with its docs: a route without a RouteDoc fails the OpenAPI test.
  const areas: ApiArea[] = [
    // Before logs: a plain GET /logs/stream must not be taken for GET /logs/{id}.
    { router: streamRoutes(), docs: streamRouteDocs },
    // Before logs too: /logs/stats and /logs/export must not be taken for GET /logs/{id}.
    { router: searchRoutes({ search: deps.logQueries.search, cursors: deps.logQueries.cursors, tenants: deps.tenants, audit, seqsOf: integrity.seqsOf }), docs: searchRouteDocs },
    { router: statsRoutes({ stats: deps.logQueries.stats, tenants: deps.tenants, audit }), docs: statsRouteDocs },
    { router: exportRoutes({ exports: deps.logQueries.exports, tenants: deps.tenants, audit }), docs: exportRouteDocs },
    {
      router: exportJobRoutes({ tenants: deps.tenants, requester: createExportRequester({ outbox: deps.outbox }), downloads: deps.exportDownloads, audit }),
      docs: exportJobRouteDocs,
    },
    {
      router: restoresRoutes({ tenants: deps.tenants, requester: createRestoreRequester({ outbox: deps.outbox }), admin: deps.restoreAdmin }),
      docs: restoresRouteDocs,
    },
    // Before logs: /logs/{id}/proof.
    {
      router: integrityRoutes({ tenants: deps.tenants, reader: integrity, verify: createVerifyRequester({ outbox: deps.outbox }) }),
      docs: integrityRouteDocs,
    },
    { router: logsRoutes({ pool: deps.pool, ingest: deps.ingest, tenants: deps.tenants, audit, horizonYears: deps.config.events.horizonYears, integrity }), docs: logsRouteDocs },
    { router: bulkLogsRoutes({ ingest: deps.ingest, tenants: deps.tenants, horizonYears: deps.config.events.horizonYears }), docs: bulkLogsRouteDocs },
    {
      router: retentionRoutes({
        tenants: deps.tenants,
        retention: createCleanupRequester({ outbox: deps.outbox, partMaxRows: deps.config.archive.partMaxRows }),
      }),
      docs: retentionRouteDocs,
    },
    {
      router: tasksRoutes({
        pool: deps.pool,
        tenants: deps.tenants,
        temporalUi: { url: deps.config.temporal.uiUrl, namespace: deps.config.temporal.namespace },
        listing: createTaskListing(deps.pool),
        retry: createTaskRetry({ outbox: deps.outbox }),
      }),
      docs: tasksRouteDocs,
    },
    {
      router: reindexRoutes({
        tenants: deps.tenants,
        reindex: createTenantReindexRequester({ outbox: deps.outbox }),
      }),
      docs: reindexRouteDocs,
    },
    {
      router: reconcileRoutes({ tenants: deps.tenants, reconciles: createReconcileRequester({ outbox: deps.outbox }) }),
      docs: reconcileRouteDocs,
    },
    {
      router: tenantsRoutes({
        admin: createTenantAdmin({ pool: deps.pool, ingest: deps.ingest, onTenantChanged: deps.tenants.forget, defaults: deps.config.rateLimit, jwt: deps.config.jwt }),
        suspension: createTenantSuspension({ pool: deps.pool, ingest: deps.ingest, revocations: deps.revocations, defaults: deps.config.rateLimit }),
        maxTtlSeconds: deps.config.jwt.maxTtlSeconds,
      }),
      docs: tenantsRouteDocs(deps.config.jwt.maxTtlSeconds),
    },
    {
      router: tenantTokensRoutes({ revocation: createTokenRevocation({ pool: deps.pool, ingest: deps.ingest, revocations: deps.revocations }) }),
      docs: tenantTokensRouteDocs,
    },
  ];

  const api = new Router({ prefix: API_PREFIX });
  api.use(authenticate(deps.verifier, deps.access));
  api.use(tenantContext(deps.tenants));
  api.use(rateLimit({ limiter: deps.rateLimiter, tenants: deps.tenants, defaults: deps.config.rateLimit, onLimited: () => deps.metrics.rateLimited.inc() }));
  for (const area of areas) api.use(area.router.routes());

  const document = buildOpenApiDocument([...areas.flatMap((area) => area.docs), ...healthRouteDocs, ...docsRouteDocs, ...consoleRouteDocs, ...metricsRouteDocs, ...wellKnownKeysRouteDocs], DOCUMENT_INFO);
  const operations = [healthRoutes(deps.readinessChecks), docsRoutes(() => document), consoleRoutes(deps.config.console), metricsRoutes(metricsExposition(deps.metrics.registry)), wellKnownKeysRoutes(integrity)];
  recordRouters(app, [...operations, api]);

  app.use(drainUnreadBody());
  app.use(requestId());
  app.use(observeRequests({ logger: deps.logger, metrics: deps.metrics, ingestRoutes: new Set([`${API_PREFIX}/logs`, `${API_PREFIX}/logs/bulk`]) }));
  app.use(problemHandler());
  app.use(queryGuard());
  app.use(methodGuard([...operations, api]));
  for (const router of operations) app.use(router.routes());
  app.use(api.routes());
  return app;
}
