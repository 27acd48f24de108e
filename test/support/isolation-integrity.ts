import { expect } from 'chai';
import { expectNoForeignMarkers } from './isolation-checks';
import { call, expectAnonymousRefused, pairs, type MatrixEntry } from './isolation-matrix';
import { byId } from './isolation-reads';
import type { MatrixWorld } from './isolation-world';
import { waitFor } from './wait-for';

/** Waits until every event of every matrix tenant has an inclusion proof (sealing runs behind ingest). */
async function allSealed(world: MatrixWorld): Promise<void> {
  for (const tenant of world.tenants) {
    for (const id of tenant.logIds) {
      await waitFor(`event ${id} to be sealed`, async () => (await world.system.api.http.get(`/api/v1/logs/${id}/proof`, { token: tenant.tokens.auditor })).status === 200, {
        timeoutMs: 60_000,
        intervalMs: 200,
      });
    }
  }
}

/** The inclusion proof: by id like GET /logs/{id}, once the world's events are sealed. */
export function proofById(route: string): MatrixEntry {
  const entry = byId(route, { role: 'auditor', ids: (tenant) => tenant.logIds });
  return {
    ...entry,
    async run(ctx) {
      await allSealed(ctx.world);
      await entry.run(ctx);
    },
  };
}

/**
 * A tenant-scoped read without rows (a checkpoint, a proof between sizes): the caller's own tenant
 * answers, whatever tenant_id a tenant token names, with nothing of another tenant in it.
 */
export function tenantScopedRead(route: string, query: Record<string, string> = {}): MatrixEntry {
  return {
    route,
    kind: 'tenant-scoped read',
    async run(ctx) {
      const { world, tally } = ctx;
      await expectAnonymousRefused(ctx, route, { query });
      for (const caller of world.tenants) {
        const own = await call(ctx, route, { token: caller.tokens.auditor, query });
        expect([200, 404], `${route} as ${caller.id}: ${own.text}`).to.include(own.status);
        expectNoForeignMarkers(world, caller, own.text, route, tally);
      }
      for (const [caller, owner] of pairs(world)) {
        const own = await call(ctx, route, { token: caller.tokens.auditor, query });
        const naming = await call(ctx, route, { token: caller.tokens.auditor, query: { ...query, tenant_id: owner.id } });
        expect(naming.status).to.equal(own.status);
        expectNoForeignMarkers(world, caller, naming.text, `${route} naming ${owner.id}`, tally);
      }
    },
  };
}

/** A route any valid token may read that holds no tenant's data (the signing keys). */
export function anyToken(route: string): MatrixEntry {
  return {
    route,
    kind: 'any token, no tenant data',
    async run(ctx) {
      await expectAnonymousRefused(ctx, route);
      for (const tenant of ctx.world.tenants) {
        const response = await call(ctx, route, { token: tenant.tokens.user });
        expect(response.status).to.equal(200);
        expectNoForeignMarkers(ctx.world, undefined, response.text, route, ctx.tally);
      }
    },
  };
}
