import { expect } from 'chai';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import { LOG_COLUMNS } from '../../domain/log-event';
import { tokenFor } from '../support/fixtures';
import {
  archiveInspector,
  claimSeededEventIds,
  countDocuments,
  countLogs,
  createRetentionTenant,
  CUTOFF,
  eventsBetween,
  LONG_AGO,
  logIds,
  RECENTLY,
  requestCleanupOverHttp,
  waitForTask,
} from '../support/retention';
import { seedLogs } from '../support/seed-logs';
import { testSystem, type TestSystem } from '../support/system';

describe('DELETE /logs/cleanup: archive, then delete exactly what was archived', function () {
  this.timeout(180_000);
  let system: TestSystem;
  let admin: string;
  let inspector: ReturnType<typeof archiveInspector>;

  before(async () => {
    system = await testSystem();
    admin = tokenFor(system, 'admin', undefined, 'ops-admin');
    inspector = archiveInspector(system.config);
  });
  after(() => inspector?.close());

  it('refuses callers and cutoffs it must not act on, naming the parameter, and writes no task', async () => {
    const tenantId = await createRetentionTenant(system);
    const http = system.api.http;
    const base = '/api/v1/logs/cleanup';
    const cutoff = encodeURIComponent(CUTOFF.toISOString());

    expect((await http.request('DELETE', `${base}?before_date=${cutoff}`)).status).to.equal(401);
    for (const role of ['user', 'auditor'] as const) {
      const refused = await http.request('DELETE', `${base}?before_date=${cutoff}`, { token: tokenFor(system, role, tenantId) });
      expect(refused.status, role).to.equal(403);
    }
    const noTenant = await http.request('DELETE', `${base}?before_date=${cutoff}`, { token: admin });
    expect(noTenant.status).to.equal(400);
    expect(noTenant.body.errors).to.deep.include({ path: '/tenant_id', message: 'is required' });

    const invalid: [string, number, string][] = [
      [``, 422, '/before_date'],
      [`&before_date=yesterday`, 422, '/before_date'],
      [`&before_date=2024-01-01`, 422, '/before_date'],
      [`&before_date=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`, 422, '/before_date'],
      [`&before_date=${cutoff}&dry_run=true`, 400, '/dry_run'],
    ];
    for (const [query, status, path] of invalid) {
      const response = await http.request('DELETE', `${base}?tenant_id=${tenantId}${query}`, { token: admin });
      expect(response.status, query).to.equal(status);
      expect(response.headers.get('content-type'), query).to.match(/^application\/problem\+json/);
      expect(response.body.errors.map((e: { path: string }) => e.path), query).to.include(path);
    }
    const future = await http.request('DELETE', `${base}?tenant_id=${tenantId}&before_date=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`, { token: admin });
    expect(future.body.errors).to.deep.equal([{ path: '/before_date', message: 'must not be in the future' }]);

    const wrongMethod = await http.post(`${base}?tenant_id=${tenantId}&before_date=${cutoff}`, { token: admin, body: {} });
    expect(wrongMethod.status).to.equal(405);
    expect(wrongMethod.headers.get('allow')).to.include('DELETE');

    const tasks = await system.ownerPool.query(`SELECT count(*)::int AS n FROM async_task WHERE tenant_id = $1 AND task_type IN ('archive', 'log_cleanup')`, [tenantId]);
    expect(tasks.rows[0].n).to.equal(0);
  });

  it('archives the events older than the cutoff, then deletes exactly those from PostgreSQL and OpenSearch', async () => {
    const tenantId = await createRetentionTenant(system);
    const bystander = await createRetentionTenant(system);
    const old = await seedLogs(system, tenantId, eventsBetween(300, LONG_AGO, CUTOFF));
    const fresh = await seedLogs(system, tenantId, eventsBetween(50, CUTOFF, RECENTLY));
    await seedLogs(system, bystander, eventsBetween(120, LONG_AGO, CUTOFF));
    const oldKeyed = old.filter((event) => event.event_id !== null).length;
    expect(await claimSeededEventIds(system, tenantId)).to.equal(oldKeyed + fresh.filter((event) => event.event_id !== null).length);

    const servedBefore = await Promise.all(old.slice(0, 3).map(async (event) => (await system.api.http.get(`/api/v1/logs/${event.id}?tenant_id=${tenantId}`, { token: admin })).body));

    const response = await requestCleanupOverHttp(system, admin, tenantId, CUTOFF);
    expect(response.status).to.equal(202);
    expect(response.body).to.have.keys('task_id');
    const archiveTaskId = response.body.task_id as string;
    expect(response.headers.get('location')).to.equal(`/api/v1/tasks/${archiveTaskId}`);

    const archive = await waitForTask(system, archiveTaskId, 'succeeded');
    expect(archive.task_type).to.equal('archive');
    expect(archive.user_id).to.equal('ops-admin');
    expect(archive.payload).to.include({ before_date: CUTOFF.toISOString(), part_max_rows: system.config.archive.partMaxRows });
    expect(archive.workflow_id).to.equal(`archive-${archiveTaskId}`);
    expect(archive.result).to.include({ archived_rows: 300, parts: 1, manifest_key: `tenants/${tenantId}/archives/2025/01/${archiveTaskId}/manifest.json` });
    expect(Number(archive.progress_done)).to.equal(300);
    expect(Number(archive.progress_total)).to.equal(300);

    const cleanupTaskId = archive.result.log_cleanup_task_id as string;
    const cleaned = await waitForTask(system, cleanupTaskId, 'succeeded');
    expect(cleaned).to.include({ task_type: 'log_cleanup', tenant_id: tenantId, user_id: 'ops-admin' });
    expect(cleaned.payload).to.deep.equal({ archive_task_id: archiveTaskId, manifest_key: archive.result.manifest_key, before_date: CUTOFF.toISOString() });
    expect(cleaned.result).to.deep.include({ archived_rows: 300, deleted_rows: 300, deleted_event_ids: oldKeyed, deleted_documents: 300, absent_documents: 0 });
    expect(Number(cleaned.progress_done)).to.equal(300);

    const { manifest, sha256 } = await inspector.manifest(archive.result.manifest_key);
    expect(sha256).to.equal(archive.result.manifest_sha256);
    expect(manifest).to.include({ tenant_id: tenantId, task_id: archiveTaskId, before_date: CUTOFF.toISOString(), total_rows: 300 });
    const archived = await inspector.events(manifest);
    expect(new Set(archived.map((event) => event.id))).to.deep.equal(new Set(old.map((event) => event.id)));
    expect(manifest.first_key?.id).to.equal(old[0]?.id);
    expect(manifest.last_key?.id).to.equal(old.at(-1)?.id);
    const rows = await inspector.rows(manifest.parts[0]?.key as string);
    expect(rows.slice(0, 3), 'an archived line is the event as the API returned it').to.deep.equal(servedBefore);
    expect(Object.keys(rows[0] ?? {})).to.deep.equal([...LOG_COLUMNS, 'seq']);

    expect(await logIds(system, tenantId)).to.deep.equal(new Set(fresh.map((event) => event.id)));
    expect(await countDocuments(system, tenantId)).to.equal(50);
    expect(await countLogs(system, bystander)).to.equal(120);
    expect(await countDocuments(system, bystander)).to.equal(120);
    const claims = await system.ownerPool.query('SELECT count(*)::int AS n FROM log_event_ids WHERE tenant_id = $1', [tenantId]);
    expect(claims.rows[0].n).to.equal(fresh.filter((event) => event.event_id !== null).length);
  });

  it('keeps microseconds exact: archived keys name the stored rows, and exactly those are deleted', async () => {
    const tenantId = await createRetentionTenant(system);
    // The API stores milliseconds; rows written another way may carry microseconds, and a rounded key would miss its row.
    await withTenantTx(system.appPool, tenantId, (tx) =>
      tx.client.query(
        `INSERT INTO logs (id, tenant_id, received_at, action, severity, user_id, event_timestamp)
         SELECT gen_random_uuid(), $1, now() - interval '1 minute', 'user.login', 'INFO', 'alice', timestamptz '2024-07-01T00:00:00Z' + i * interval '1001 microseconds'
           FROM generate_series(1, 50) AS i`,
        [tenantId],
      ),
    );
    const archive = await waitForTask(system, (await requestCleanupOverHttp(system, admin, tenantId, CUTOFF)).body.task_id, 'succeeded');
    const { manifest } = await inspector.manifest(archive.result.manifest_key);
    expect(manifest.first_key?.event_timestamp).to.equal('2024-07-01T00:00:00.001001Z');
    const rows = await inspector.rows(manifest.parts[0]?.key as string);
    expect(rows.map((row) => row.event_timestamp)).to.include('2024-07-01T00:00:00.050050Z');
    const cleaned = await waitForTask(system, archive.result.log_cleanup_task_id, 'succeeded');
    expect(cleaned.result).to.include({ archived_rows: 50, deleted_rows: 50 });
    expect(await countLogs(system, tenantId)).to.equal(0);
  });

  it('completes the chain with an empty archive when nothing is older than the cutoff', async () => {
    const tenantId = await createRetentionTenant(system);
    await seedLogs(system, tenantId, eventsBetween(20, CUTOFF, RECENTLY));
    const archive = await waitForTask(system, (await requestCleanupOverHttp(system, admin, tenantId, CUTOFF)).body.task_id, 'succeeded');
    expect(archive.result).to.include({ archived_rows: 0, parts: 0 });
    const cleaned = await waitForTask(system, archive.result.log_cleanup_task_id, 'succeeded');
    expect(cleaned.result).to.include({ archived_rows: 0, deleted_rows: 0 });
    expect(await countLogs(system, tenantId)).to.equal(20);
    const { manifest } = await inspector.manifest(archive.result.manifest_key);
    expect(manifest).to.include({ total_rows: 0, first_key: null, last_key: null });
  });

});
