import { expect } from 'chai';
import type { Role } from '../../domain/auth';
import type { HttpResponse } from './http-client';
import { expectNoForeignMarkers, expectOnlyOwnRows } from './isolation-checks';
import { call, expectAnonymousRefused, pairs, type MatrixContext, type MatrixEntry } from './isolation-matrix';
import type { MatrixTenant, MatrixWorld } from './isolation-world';

interface Created {
  logIds?: string[];
  taskIds?: string[];
}

/** Where a write landed, read as the owner role (past row-level security): tenant_id by id. */
async function tenantsOf(ctx: MatrixContext, created: Created): Promise<string[]> {
  const pool = ctx.world.system.ownerPool;
  const logs = await pool.query<{ tenant_id: string }>('SELECT tenant_id::text FROM logs WHERE id = ANY($1::uuid[])', [created.logIds ?? []]);
  const tasks = await pool.query<{ tenant_id: string }>('SELECT tenant_id::text FROM async_task WHERE task_id = ANY($1::uuid[])', [created.taskIds ?? []]);
  expect(logs.rows.length + tasks.rows.length, 'rows written').to.equal((created.logIds?.length ?? 0) + (created.taskIds?.length ?? 0));
  return [...logs.rows, ...tasks.rows].map((row) => row.tenant_id);
}

/**
 * A route that writes. A tenant's token that names another tenant (tenant_id in the query) still
 * writes into its own tenant, as does a platform admin naming the caller; the stored rows prove it.
 */
export function write(
  route: string,
  options: { role: Role; status: number | number[]; query?: (world: MatrixWorld) => Record<string, string>; body?: (caller: MatrixTenant) => unknown; created: (response: HttpResponse) => Created },
): MatrixEntry {
  return {
    route,
    kind: 'write',
    async run(ctx) {
      const { world, tally } = ctx;
      const query = options.query?.(world) ?? {};
      await expectAnonymousRefused(ctx, route, { query, body: options.body?.(world.tenants[0] as MatrixTenant) });
      const attempts = [
        ...pairs(world).map(([caller, owner]) => ({ caller, token: caller.tokens[options.role], tenantId: owner.id })),
        ...world.tenants.map((caller) => ({ caller, token: world.platformAdmin, tenantId: caller.id })),
      ];
      for (const { caller, token, tenantId } of attempts) {
        const what = `${route} by ${caller.id} naming ${tenantId}`;
        const response = await call(ctx, route, { token, query: { ...query, tenant_id: tenantId }, body: options.body?.(caller) });
        expect([options.status].flat(), `${what}: ${response.text}`).to.include(response.status);
        expectNoForeignMarkers(world, caller, response.text, what, tally);
        const created = options.created(response);
        const landed = await tenantsOf(ctx, created);
        expectOnlyOwnRows(world, caller, landed.map((tenant_id) => ({ tenant_id, id: undefined })), what, tally);
        created.logIds?.forEach((id) => caller.logIds.add(id));
        created.taskIds?.forEach((id) => caller.taskIds.add(id));
      }
    },
  };
}
