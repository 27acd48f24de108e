import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createTenant, tokenFor } from '../support/fixtures';
import { testSystem, type TestSystem } from '../support/system';

interface Fixture {
  type: string;
  status: string;
}

/**
 * Writes finished-looking task rows straight into the table (as the owner), dated a day ahead so
 * they are the newest of the whole database and their order is known. None is pending without a
 * workflow id, so neither the relay nor a bridge ever picks one up.
 */
async function insertTasks(system: TestSystem, tenantId: string, fixtures: Fixture[], base: Date): Promise<string[]> {
  const ids: string[] = [];
  for (const [index, fixture] of fixtures.entries()) {
    const taskId = randomUUID();
    await system.ownerPool.query(
      `INSERT INTO async_task (task_id, tenant_id, task_type, status, user_id, payload, workflow_id, run_id, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'fixture', '{}', $5, $6, $7, $7)`,
      [taskId, tenantId, fixture.type, fixture.status, `${fixture.type}-${taskId}`, randomUUID(), new Date(base.getTime() + index * 1000)],
    );
    ids.push(taskId);
  }
  return ids;
}

describe('tasks API: listing', function () {
  this.timeout(60_000);
  let system: TestSystem;
  let tenantA: string;
  let tenantB: string;
  let idsA: string[];
  let idsB: string[];
  const get = (path: string, token: string) => system.api.http.get(path, { token });

  before(async () => {
    system = await testSystem();
    tenantA = await createTenant(system);
    tenantB = await createTenant(system);
    const base = new Date(Date.now() + 24 * 3600_000);
    idsA = await insertTasks(
      system,
      tenantA,
      [
        { type: 'reindex', status: 'succeeded' },
        // A tenant holds one unfinished archive/cleanup task at most (migration 080).
        { type: 'archive', status: 'failed' },
        { type: 'log_cleanup', status: 'succeeded' },
        { type: 'archive', status: 'succeeded' },
        { type: 'reindex_tenant', status: 'pending' },
      ],
      base,
    );
    idsB = await insertTasks(system, tenantB, [{ type: 'archive', status: 'failed' }], new Date(base.getTime() + 10_000));
  });

  it("lists an auditor's own tenant, newest first, in the shape of GET /tasks/{id}", async () => {
    const auditor = tokenFor(system, 'auditor', tenantA);
    const listed = await get('/api/v1/tasks', auditor);
    expect(listed.status).to.equal(200);
    expect(listed.body).to.include({ page: 1, page_size: 20, total: 5 });
    expect(listed.body.items.map((t: any) => t.task_id)).to.deep.equal([...idsA].reverse());
    const single = await get(`/api/v1/tasks/${idsA[4]}`, auditor);
    expect(listed.body.items[0]).to.deep.equal(single.body);
    expect(single.body.temporal_ui_url).to.match(/\/namespaces\/default\/workflows\/reindex_tenant-/);
    expect(single.body).to.include({ retry_count: 0, attempts: 0 });
  });

  it('filters by type and status and pages', async () => {
    const auditor = tokenFor(system, 'auditor', tenantA);
    const archives = await get('/api/v1/tasks?type=archive', auditor);
    expect(archives.body.total).to.equal(2);
    expect(archives.body.items.map((t: any) => t.task_id)).to.deep.equal([idsA[3], idsA[1]]);
    const failedArchives = await get('/api/v1/tasks?type=archive&status=failed', auditor);
    expect(failedArchives.body.items.map((t: any) => t.task_id)).to.deep.equal([idsA[1]]);
    const page2 = await get('/api/v1/tasks?page=2&page_size=2', auditor);
    expect(page2.body).to.include({ page: 2, page_size: 2, total: 5 });
    expect(page2.body.items.map((t: any) => t.task_id)).to.deep.equal([idsA[2], idsA[1]]);
    const beyond = await get('/api/v1/tasks?page=4&page_size=2', auditor);
    expect(beyond.body).to.include({ total: 5 });
    expect(beyond.body.items).to.deep.equal([]);
  });

  it("lists one tenant for an admin with tenant_id, and every tenant's without", async () => {
    const admin = tokenFor(system, 'admin');
    const one = await get(`/api/v1/tasks?tenant_id=${tenantB}`, admin);
    expect(one.body.items.map((t: any) => t.task_id)).to.deep.equal(idsB);

    const all = await get('/api/v1/tasks?page_size=6', admin);
    expect(all.status).to.equal(200);
    expect(all.body.total).to.be.at.least(6);
    expect(all.body.items.map((t: any) => t.task_id)).to.deep.equal([...idsB, ...[...idsA].reverse()]);
    expect(new Set(all.body.items.map((t: any) => t.tenant_id))).to.deep.equal(new Set([tenantA, tenantB]));

    const failedEverywhere = await get('/api/v1/tasks?status=failed&type=archive&page_size=2', admin);
    expect(failedEverywhere.body.items.map((t: any) => t.task_id)).to.deep.equal([idsB[0], idsA[1]]);
  });

  it("never shows another tenant's tasks to an auditor", async () => {
    const auditorB = tokenFor(system, 'auditor', tenantB);
    const listed = await get(`/api/v1/tasks?tenant_id=${tenantA}`, auditorB);
    expect(listed.body.items.map((t: any) => t.task_id)).to.deep.equal(idsB);
    expect((await get(`/api/v1/tasks/${idsA[0]}`, auditorB)).status).to.equal(404);
  });

  it('answers bad queries with problem+json naming each parameter, and refuses the user role', async () => {
    const auditor = tokenFor(system, 'auditor', tenantA);
    const unknown = await get('/api/v1/tasks?kind=archive&sort=asc', auditor);
    expect(unknown.status).to.equal(400);
    expect(unknown.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(unknown.body.errors.map((e: any) => e.path).sort()).to.deep.equal(['/kind', '/sort']);

    const invalid = await get('/api/v1/tasks?type=drop&status=done&page=0&page_size=101', auditor);
    expect(invalid.status).to.equal(422);
    expect(invalid.body.errors.map((e: any) => e.path).sort()).to.deep.equal(['/page', '/page_size', '/status', '/type']);

    expect((await get('/api/v1/tasks?page=abc', auditor)).status).to.equal(422);
    expect((await get('/api/v1/tasks', tokenFor(system, 'user', tenantA))).status).to.equal(403);
    expect((await get('/api/v1/tasks?tenant_id=nope', tokenFor(system, 'admin'))).status).to.equal(400);
  });
});

describe('tasks API: retry refusals', function () {
  this.timeout(60_000);
  let system: TestSystem;
  let tenantId: string;
  let ids: string[];
  const retry = (id: string, token: string, tenant = tenantId) => system.api.http.post(`/api/v1/tasks/${id}/retry?tenant_id=${tenant}`, { token });

  before(async () => {
    system = await testSystem();
    tenantId = await createTenant(system);
    ids = await insertTasks(
      system,
      tenantId,
      [
        // One unfinished archive/cleanup task per tenant (migration 080), so the pending one is another type.
        { type: 'reindex_tenant', status: 'pending' },
        { type: 'archive', status: 'running' },
        { type: 'archive', status: 'succeeded' },
      ],
      new Date(),
    );
  });

  it('answers 409 for a task that is not failed, and changes nothing', async () => {
    const admin = tokenFor(system, 'admin');
    for (const [index, status] of ['pending', 'running', 'succeeded'].entries()) {
      const refused = await retry(ids[index] as string, admin);
      expect(refused.status, status).to.equal(409);
      expect(refused.headers.get('content-type')).to.match(/^application\/problem\+json/);
      expect(refused.body.detail).to.contain(status);
      const row = await system.ownerPool.query('SELECT status, retry_count FROM async_task WHERE task_id = $1', [ids[index]]);
      expect(row.rows[0]).to.deep.equal({ status, retry_count: 0 });
    }
  });

  it("answers 404 for an unknown task, a malformed id and another tenant's task; 403 unless admin", async () => {
    const admin = tokenFor(system, 'admin');
    expect((await retry(randomUUID(), admin)).status).to.equal(404);
    expect((await retry('not-a-uuid', admin)).status).to.equal(404);
    expect((await retry(ids[0] as string, admin, await createTenant(system))).status).to.equal(404);
    expect((await retry(ids[0] as string, tokenFor(system, 'auditor', tenantId))).status).to.equal(403);
    expect((await system.api.http.post(`/api/v1/tasks/${ids[0]}/retry`, { token: admin })).status).to.equal(400);
    const unknown = await system.api.http.post(`/api/v1/tasks/${ids[0]}/retry?tenant_id=${tenantId}&force=true`, { token: admin });
    expect(unknown.status).to.equal(400);
    expect(unknown.body.errors).to.deep.equal([{ path: '/force', message: 'is not a known query parameter' }]);
  });
});
