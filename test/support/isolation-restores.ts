import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { expectNoForeignMarkers, expectSameAsMissing } from './isolation-checks';
import { call, expectAnonymousRefused, pairs, type MatrixEntry } from './isolation-matrix';
import type { MatrixTenant, MatrixWorld } from './isolation-world';

async function restoreIdsOf(world: MatrixWorld, tenant: MatrixTenant): Promise<string[]> {
  const rows = await world.system.ownerPool.query<{ restore_id: string }>('SELECT restore_id::text FROM restores WHERE tenant_id = $1', [tenant.id]);
  return rows.rows.map((row) => row.restore_id);
}

/**
 * A restore by its id (`{restore_id}`): another tenant's is answered exactly as a missing one, by
 * the caller's own token, naming the owner's tenant, or through a platform admin acting for the
 * caller; the caller's own is accepted (202), or 409 while it still loads.
 */
export function restoreById(route: string): MatrixEntry {
  return {
    route,
    kind: 'restore by id',
    async run(ctx) {
      const { world, tally } = ctx;
      const owned = new Map(await Promise.all(world.tenants.map(async (tenant) => [tenant, await restoreIdsOf(world, tenant)] as const)));
      expect([...owned.values()].every((ids) => ids.length > 0), 'every tenant has a restore to probe').to.equal(true);
      await expectAnonymousRefused(ctx, route, { params: { restore_id: owned.get(world.tenants[0] as MatrixTenant)![0]! } });
      for (const [caller, owner] of pairs(world)) {
        const token = caller.tokens.admin;
        for (const variant of [{ token }, { token, query: { tenant_id: owner.id } }, { token: world.platformAdmin, query: { tenant_id: caller.id } }]) {
          const missing = await call(ctx, route, { ...variant, params: { restore_id: randomUUID() } });
          for (const id of owned.get(owner)!) {
            const foreign = await call(ctx, route, { ...variant, params: { restore_id: id } });
            expectSameAsMissing(foreign, missing, `${route} with ${owner.id}'s ${id} from ${caller.id}`, tally);
          }
        }
      }
      for (const caller of world.tenants) {
        const own = await call(ctx, route, { token: caller.tokens.admin, params: { restore_id: owned.get(caller)![0]! } });
        expect(own.status, `${route} own restore: ${own.text}`).to.be.oneOf([202, 409]);
        expectNoForeignMarkers(world, caller, own.text, `${route} own restore`, tally);
      }
    },
  };
}
