import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { expectNoForeignMarkers } from './isolation-checks';
import { call, expectAnonymousRefused, pairs, type MatrixEntry } from './isolation-matrix';

/** Platform-admin routes: every tenant token gets the same 403 whether it names its own tenant, another or none. */
export function platformOnly(route: string, options: { body?: unknown } = {}): MatrixEntry {
  return {
    route,
    kind: 'platform admin only',
    async run(ctx) {
      const { world, tally } = ctx;
      await expectAnonymousRefused(ctx, route, { body: options.body });
      for (const [caller, owner] of pairs(world)) {
        for (const role of ['user', 'auditor', 'admin'] as const) {
          const token = caller.tokens[role];
          const missing = await call(ctx, route, { token, params: { id: randomUUID() }, body: options.body });
          const foreign = await call(ctx, route, { token, params: { id: owner.id }, body: options.body });
          expect(foreign.status, `${route} as ${role} of ${caller.id}: ${foreign.text}`).to.equal(403);
          expect({ ...foreign.body, request_id: undefined }).to.deep.equal({ ...missing.body, request_id: undefined });
          expectNoForeignMarkers(world, caller, foreign.text, `${route} as ${role}`, tally);
        }
      }
    },
  };
}

/** Unauthenticated operational routes (health, metrics, the document): they name no tenant at all. */
export function operational(route: string, options: { params?: Record<string, string>; status?: number } = {}): MatrixEntry {
  return {
    route,
    kind: 'operational',
    async run(ctx) {
      for (const token of [undefined, ...ctx.world.tenants.map((tenant) => tenant.tokens.user)]) {
        const response = await call(ctx, route, { token, params: options.params });
        expect(response.status, `${route}: ${response.text.slice(0, 300)}`).to.equal(options.status ?? 200);
        expectNoForeignMarkers(ctx.world, undefined, response.text, route, ctx.tally);
      }
    },
  };
}
