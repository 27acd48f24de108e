import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Role } from '../../domain/auth';
import type { HttpResponse } from './http-client';
import { expectNoForeignMarkers, expectOnlyOwnRows, expectSameAsMissing, rowsOf } from './isolation-checks';
import { call, expectAnonymousRefused, first, pairs, type MatrixEntry } from './isolation-matrix';
import type { MatrixTenant, MatrixWorld } from './isolation-world';

/**
 * A route that names one object by id. The caller's own object answers `ownStatus` with only its
 * own data; another tenant's object answers exactly like a missing one, from the tenant's token
 * (with or without a tenant_id naming the owner) and from a platform admin acting on the caller.
 */
export function byId(route: string, options: { role: Role; ids: (tenant: MatrixTenant) => Set<string>; ownStatus?: number }): MatrixEntry {
  const ownStatus = options.ownStatus ?? 200;
  return {
    route,
    kind: 'object by id',
    async run(ctx) {
      const { world, tally } = ctx;
      await expectAnonymousRefused(ctx, route, { params: { id: first(options.ids(world.tenants[0] as MatrixTenant)) } });
      for (const caller of world.tenants) {
        const token = caller.tokens[options.role];
        const own = await call(ctx, route, { token, params: { id: first(options.ids(caller)) } });
        expect(own.status, `${route} own object: ${own.text}`).to.equal(ownStatus);
        expectOnlyOwnRows(world, caller, rowsOf(own), `${route} own object`, tally);
        expectNoForeignMarkers(world, caller, own.text, `${route} own object`, tally);
      }
      for (const [caller, owner] of pairs(world)) {
        const token = caller.tokens[options.role];
        const viaAdmin = { token: world.platformAdmin, query: { tenant_id: caller.id } };
        for (const variant of [{ token }, { token, query: { tenant_id: owner.id } }, viaAdmin]) {
          const missing = await call(ctx, route, { ...variant, params: { id: randomUUID() } });
          for (const id of options.ids(owner)) {
            const foreign = await call(ctx, route, { ...variant, params: { id } });
            expectSameAsMissing(foreign, missing, `${route} with ${owner.id}'s ${id} from ${caller.id}`, tally);
          }
        }
      }
    },
  };
}

export interface ListingOptions {
  role: Role;
  query?: (world: MatrixWorld) => Record<string, string>;
  /** How many rows the caller's own listing holds, when the route returns rows. */
  ownRows?: (world: MatrixWorld) => number;
  /** Extra ownership checks for responses without rows (e.g. aggregates). */
  check?: (world: MatrixWorld, caller: MatrixTenant, response: HttpResponse, what: string) => void;
  /** The route takes a search cursor: another tenant's cursor must be refused. */
  cursor?: boolean;
}

/**
 * A route that returns many rows or an aggregate. Whoever asks and whatever tenant_id they pass,
 * every row is the caller's (the token's tenant, or the tenant a platform admin names).
 */
export function listing(route: string, options: ListingOptions): MatrixEntry {
  return {
    route,
    kind: 'listing',
    async run(ctx) {
      const { world, tally } = ctx;
      const query = options.query?.(world) ?? {};
      await expectAnonymousRefused(ctx, route, { query });
      const expectOwn = (caller: MatrixTenant, response: HttpResponse, what: string) => {
        expect(response.status, `${what}: ${response.text.slice(0, 500)}`).to.equal(200);
        const rows = rowsOf(response);
        if (options.ownRows) expect(rows, `${what}: rows`).to.have.length(options.ownRows(world));
        expectOnlyOwnRows(world, caller, rows, what, tally);
        expectNoForeignMarkers(world, caller, response.text, what, tally);
        if (options.check) {
          options.check(world, caller, response, what);
          tally.count();
        }
      };
      for (const caller of world.tenants) {
        const token = caller.tokens[options.role];
        expectOwn(caller, await call(ctx, route, { token, query }), `${route} as ${caller.id}`);
        expectOwn(caller, await call(ctx, route, { token: world.platformAdmin, query: { ...query, tenant_id: caller.id } }), `${route} as admin for ${caller.id}`);
      }
      for (const [caller, owner] of pairs(world)) {
        const token = caller.tokens[options.role];
        expectOwn(caller, await call(ctx, route, { token, query: { ...query, tenant_id: owner.id } }), `${route} as ${caller.id} naming ${owner.id}`);
        if (!options.cursor) continue;
        const stolen = await call(ctx, route, { token, query: { cursor: owner.cursor } });
        expect(stolen.status, `${route} with ${owner.id}'s cursor: ${stolen.text}`).to.equal(400);
        expect(rowsOf(stolen)).to.deep.equal([]);
        expectNoForeignMarkers(world, caller, stolen.text, `${route} with a foreign cursor`, tally);
      }
    },
  };
}
