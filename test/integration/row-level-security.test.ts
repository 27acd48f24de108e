import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { sealedSeqsOf } from '../../adapters/postgres/sealed-seqs';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import { testSystem, type TestSystem } from '../support/system';

const TENANT_TABLES = ['logs', 'log_event_ids', 'async_task'];

describe('row-level security is the second wall', function () {
  this.timeout(60_000);
  let system: TestSystem;
  let tenantA: string;
  let tenantB: string;

  before(async () => {
    system = await testSystem();
    tenantA = await createTenant(system);
    tenantB = await createTenant(system);
    for (const tenant of [tenantA, tenantB]) {
      const posted = await system.api.http.post('/api/v1/logs', { token: tokenFor(system, 'user', tenant), body: validEvent({ event_id: `e-${tenant}` }) });
      expect(posted.status).to.equal(201);
    }
  });

  it('is enabled and forced on every table with a tenant column', async () => {
    const tables = await system.ownerPool.query<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(
      `SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
          AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id')
          AND NOT c.relispartition`,
    );
    expect(tables.rows.map((t) => t.relname).sort()).to.include.members(TENANT_TABLES);
    for (const table of tables.rows) {
      expect(table.relrowsecurity, `${table.relname} RLS enabled`).to.equal(true);
      expect(table.relforcerowsecurity, `${table.relname} RLS forced`).to.equal(true);
    }
  });

  it('runs the application as a role that is neither owner, superuser nor BYPASSRLS', async () => {
    const role = await system.appPool.query<{ rolname: string; rolsuper: boolean; rolbypassrls: boolean }>(
      'SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user',
    );
    expect(role.rows[0]).to.include({ rolsuper: false, rolbypassrls: false });
    const owned = await system.appPool.query(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND pg_has_role(current_user, c.relowner, 'USAGE')`,
    );
    expect(owned.rows).to.deep.equal([]);
  });

  it('shows no rows at all to a connection without a tenant, and only its own with one', async () => {
    for (const table of TENANT_TABLES) {
      const unscoped = await system.appPool.query(`SELECT count(*)::int AS n FROM ${table}`);
      expect(unscoped.rows[0].n, table).to.equal(0);
    }
    const seen = await withTenantTx(system.appPool, tenantA, async (tx) => (await tx.client.query('SELECT DISTINCT tenant_id FROM logs')).rows.map((r) => r.tenant_id));
    expect(seen).to.deep.equal([tenantA]);
  });

  it('refuses to write a row for another tenant than the transaction is scoped to', async () => {
    let failure: unknown;
    await withTenantTx(system.appPool, tenantA, (tx) =>
      tx.client.query(
        `INSERT INTO async_task (task_id, tenant_id, task_type) VALUES (gen_random_uuid(), $1, 'reindex')`,
        [tenantB],
      ),
    ).catch((error: unknown) => (failure = error));
    expect((failure as { code?: string })?.code).to.equal('42501');
  });

  it('never carries one tenant into the next transaction on a pooled connection', async () => {
    const client = await system.appPool.connect();
    try {
      await client.query('BEGIN');
      await client.query("SELECT set_config('app.tenant_id', $1, true)", [tenantA]);
      expect((await client.query('SELECT count(*)::int AS n FROM logs')).rows[0].n).to.be.greaterThan(0);
      await client.query('COMMIT');
      const after = await client.query(`SELECT current_setting('app.tenant_id', true) AS tenant, (SELECT count(*)::int FROM logs) AS n`);
      expect(after.rows[0]).to.deep.equal({ tenant: '', n: 0 });
    } finally {
      client.release();
    }
  });

  it('reads sealed seqs in one statement scoped to the tenant it names, leaving no tenant on the connection', async () => {
    // Tenants of their own, with no events: a leaf written here is never met by the sealer.
    const [tenantC, tenantD] = [await createTenant(system), await createTenant(system)];
    const [logC, logD] = [randomUUID(), randomUUID()];
    for (const [tenant, logId, seq] of [[tenantC, logC, 7], [tenantD, logD, 9]] as const) {
      await withTenantTx(system.appPool, tenant, (tx) =>
        tx.client.query('INSERT INTO integrity_leaves (tenant_id, seq, log_id, leaf_hash) VALUES ($1, $2, $3, $4)', [tenant, seq, logId, Buffer.alloc(32)]),
      );
    }
    expect([...(await sealedSeqsOf(system.appPool, tenantC, [logC, logD]))]).to.deep.equal([[logC, 7]]);
    expect([...(await sealedSeqsOf(system.appPool, tenantD, [logC, logD]))]).to.deep.equal([[logD, 9]]);

    const client = await system.appPool.connect();
    try {
      const { rows } = await client.query('SELECT log_id FROM sealed_seqs_of($1, $2::uuid[])', [tenantC, [logC]]);
      expect(rows).to.have.length(1);
      const after = await client.query(`SELECT current_setting('app.tenant_id', true) AS tenant, (SELECT count(*)::int FROM integrity_leaves) AS n`);
      expect(after.rows[0]).to.deep.equal({ tenant: '', n: 0 });
    } finally {
      client.release();
    }

    let failure: unknown;
    await withTenantTx(system.appPool, tenantD, (tx) => tx.client.query('SELECT * FROM sealed_seqs_of($1, $2::uuid[])', [tenantC, [logC]])).catch((error: unknown) => (failure = error));
    expect((failure as { code?: string })?.code, 'switching tenants inside a tenant transaction').to.equal('42501');

    const definer = await system.ownerPool.query<{ prosecdef: boolean }>("SELECT prosecdef FROM pg_proc WHERE proname = 'sealed_seqs_of'");
    expect(definer.rows).to.deep.equal([{ prosecdef: false }]);
  });
});
