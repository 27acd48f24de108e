import { expect } from 'chai';
import { servedRoutes } from '../../api/openapi/served-routes';
import { validEvent } from '../support/fixtures';
import { IsolationTally, rowsOf } from '../support/isolation-checks';
import type { MatrixContext, MatrixEntry } from '../support/isolation-matrix';
import { exportDownload } from '../support/isolation-exports';
import { byId, listing } from '../support/isolation-reads';
import { buildMatrixWorld, type MatrixWorld } from '../support/isolation-world';
import { stream } from '../support/isolation-stream';
import { operational, platformOnly } from '../support/isolation-untenanted';
import { write } from '../support/isolation-writes';
import { anyToken, proofById, tenantScopedRead } from '../support/isolation-integrity';
import { restoreById } from '../support/isolation-restores';
import { testSystem } from '../support/system';

const TENANTS = 3;

/**
 * The seeded events' action. Auditors' reads are recorded as audit_log.viewed events of their tenant,
 * with the query (the shared word too) in their metadata: naming the action leaves those out.
 */
const seeded = { action: 'user.login' };
const sharedSearch = (world: MatrixWorld) => ({ q: world.sharedWord, page_size: '100', ...seeded });
const sharedStats = (world: MatrixWorld) => ({ q: world.sharedWord, group_by: 'user_id', interval: 'hour', ...world.range, ...seeded });
const ownEvents = (world: MatrixWorld) => world.eventsPerTenant;
const fresh = (tag: string) => () => validEvent({ message: `isolation write ${tag}` });

/**
 * Every served route, one line each: how the matrix probes it. A route the app serves that has no
 * line here fails the coverage test below, so a new endpoint cannot ship without its isolation check.
 */
const MATRIX: MatrixEntry[] = [
  byId('GET /api/v1/logs/{id}', { role: 'user', ids: (t) => t.logIds }),
  byId('GET /api/v1/tasks/{id}', { role: 'auditor', ids: (t) => t.taskIds }),
  byId('POST /api/v1/tasks/{id}/retry', { role: 'admin', ids: (t) => t.taskIds, ownStatus: 409 }),
  proofById('GET /api/v1/logs/{id}/proof'),
  tenantScopedRead('GET /api/v1/integrity/checkpoints/latest'),
  tenantScopedRead('GET /api/v1/integrity/consistency', { first: '1', second: '2' }),
  listing('GET /api/v1/integrity/checkpoints', { role: 'auditor' }),
  anyToken('GET /api/v1/integrity/keys'),
  listing('GET /api/v1/logs', { role: 'user', query: sharedSearch, ownRows: ownEvents, cursor: true }),
  listing('GET /api/v1/logs/export', { role: 'auditor', query: (w) => ({ q: w.sharedWord, format: 'ndjson', ...seeded }), ownRows: ownEvents }),
  listing('GET /api/v1/logs/export', { role: 'auditor', query: (w) => ({ q: w.sharedWord, format: 'csv', ...seeded }), ownRows: ownEvents }),
  listing('GET /api/v1/logs/stats', {
    role: 'user',
    query: sharedStats,
    check: (world, caller, response, what) => {
      expect(response.body.total, what).to.equal(world.eventsPerTenant);
      expect(response.body.top, what).to.deep.equal([{ key: caller.userId, count: world.eventsPerTenant }]);
    },
  }),
  listing('GET /api/v1/tasks', { role: 'auditor', query: () => ({ page_size: '100' }) }),
  write('POST /api/v1/logs', { role: 'user', status: 201, body: fresh('single'), created: (r) => ({ logIds: [r.body.id] }) }),
  write('POST /api/v1/logs/bulk', { role: 'user', status: 201, body: () => ({ logs: [fresh('bulk')(), fresh('bulk')()] }), created: (r) => ({ logIds: r.body.ids, taskIds: [r.body.task_id] }) }),
  // A tenant's second cleanup while its first chain runs is a 409 naming that chain's task: the task must be the caller's own.
  write('DELETE /api/v1/logs/cleanup', { role: 'admin', status: [202, 409], query: () => ({ before_date: '2000-01-01T00:00:00Z' }), created: (r) => ({ taskIds: [r.body.task_id] }) }),
  write('POST /api/v1/integrity/verify', { role: 'auditor', status: 202, body: () => ({}), created: (r) => ({ taskIds: [r.body.task_id] }) }),
  write('POST /api/v1/reindex', { role: 'admin', status: 202, query: (w) => w.range, created: (r) => ({ taskIds: [r.body.task_id] }) }),
  write('POST /api/v1/reconcile', { role: 'admin', status: 202, query: (w) => w.range, created: (r) => ({ taskIds: [r.body.task_id] }) }),
  write('POST /api/v1/exports', { role: 'auditor', status: 202, body: () => ({ format: 'csv' }), created: (r) => ({ taskIds: [r.body.task_id] }) }),
  exportDownload('GET /api/v1/exports/{task_id}/download'),
  // A restore of a range with no archive: it creates the task and the restore row, and loads nothing.
  write('POST /api/v1/restores', {
    role: 'admin',
    status: [202, 409],
    body: () => ({ start_time: '2001-01-01T00:00:00Z', end_time: '2001-01-02T00:00:00Z' }),
    created: (r) => ({ taskIds: [r.body.task_id] }),
  }),
  listing('GET /api/v1/restores', { role: 'auditor' }),
  restoreById('DELETE /api/v1/restores/{restore_id}'),
  stream('GET /api/v1/logs/stream'),
  platformOnly('GET /api/v1/tenants'),
  platformOnly('POST /api/v1/tenants', { body: { name: 'never-created' } }),
  platformOnly('GET /api/v1/tenants/{id}'),
  platformOnly('PATCH /api/v1/tenants/{id}', { body: { retention_days: 1 } }),
  platformOnly('POST /api/v1/tenants/{id}/tokens', { body: { sub: 'mallory', role: 'user' } }),
  platformOnly('GET /api/v1/tenants/{id}/tokens'),
  platformOnly('DELETE /api/v1/tenants/{id}/tokens/{token_id}'),
  platformOnly('POST /api/v1/tenants/{id}/suspend'),
  platformOnly('POST /api/v1/tenants/{id}/resume'),
  operational('GET /healthz'),
  operational('GET /readyz'),
  operational('GET /metrics'),
  operational('GET /openapi.json'),
  operational('GET /docs'),
  operational('GET /.well-known/audit-log-keys.json'),
  operational('GET /docs/{asset}', { params: { asset: 'docs-initializer.js' } }),
  operational('GET /console'),
  operational('GET /console/assets/{file}', { params: { file: 'missing.js' }, status: 404 }),
];

describe('tenant isolation matrix: every route × own token, foreign token, foreign ids, no token', function () {
  this.timeout(600_000);
  const tally = new IsolationTally();
  let ctx: MatrixContext;

  before(async () => {
    const system = await testSystem();
    ctx = { world: await buildMatrixWorld(system, TENANTS), tally };
  });

  after(() => {
    console.log(`      isolation matrix: ${TENANTS} tenants, ${tally.requests} requests, ${tally.rows} returned rows checked, ${tally.checks} isolation checks, 0 cross-tenant rows`);
  });

  it('has a line for every route the app serves', () => {
    const served = servedRoutes(ctx.world.system.api.app).map((route) => `${route.method.toUpperCase()} ${route.path}`);
    const covered = new Set(MATRIX.map((entry) => entry.route));
    expect(served.length).to.be.greaterThan(20);
    expect(served.filter((route) => !covered.has(route)), 'served routes missing from the isolation matrix').to.deep.equal([]);
    expect([...covered].filter((route) => !served.includes(route)), 'matrix lines for routes no longer served').to.deep.equal([]);
  });

  it('finds rows to leak: each tenant reads its own seeded events', async () => {
    for (const tenant of ctx.world.tenants) {
      const response = await ctx.world.system.api.http.get(`/api/v1/logs?q=${ctx.world.sharedWord}&page_size=100`, { token: tenant.tokens.user });
      expect(rowsOf(response).map((row) => row.id).sort()).to.deep.equal([...tenant.logIds].sort());
    }
  });

  for (const entry of MATRIX) {
    it(`${entry.route} (${entry.kind})`, async () => {
      await entry.run(ctx);
    });
  }
});
