import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { expect } from 'chai';
import { expectOnlyOwnRows, expectSameAsMissing } from './isolation-checks';
import { call, expectAnonymousRefused, pairs, type MatrixEntry } from './isolation-matrix';
import type { MatrixTenant } from './isolation-world';
import { waitForTask } from './retention';

/**
 * An export job's download. Each tenant's auditor starts an export and downloads it: the gzip
 * object holds only its own events. Another tenant's export answers exactly like a missing one,
 * from the tenant's token (with or without a tenant_id naming the owner) and from a platform admin.
 */
export function exportDownload(route: string): MatrixEntry {
  return {
    route,
    kind: 'export job download',
    async run(ctx) {
      const { world, tally } = ctx;
      const exports = new Map<MatrixTenant, string>();
      for (const caller of world.tenants) {
        const started = await call(ctx, 'POST /api/v1/exports', { token: caller.tokens.auditor, body: { format: 'ndjson' } });
        expect(started.status, started.text).to.equal(202);
        exports.set(caller, started.body.task_id as string);
      }
      for (const taskId of exports.values()) await waitForTask(world.system, taskId, 'succeeded');
      await expectAnonymousRefused(ctx, route, { params: { task_id: exports.values().next().value as string } });

      for (const [caller, taskId] of exports) {
        const what = `${route} own export`;
        const response = await fetch(`${world.system.api.url}/api/v1/exports/${taskId}/download`, { headers: { authorization: `Bearer ${caller.tokens.auditor}` } });
        expect(response.status, what).to.equal(200);
        tally.requests += 1;
        const lines = gunzipSync(Buffer.from(await response.arrayBuffer())).toString('utf8').split('\n').filter(Boolean);
        expect(lines.length, what).to.be.greaterThan(0);
        expectOnlyOwnRows(world, caller, lines.map((line) => JSON.parse(line) as { tenant_id: string; id: string }), what, tally);
      }
      for (const [caller, owner] of pairs(world)) {
        const token = caller.tokens.auditor;
        for (const variant of [{ token }, { token, query: { tenant_id: owner.id } }, { token: world.platformAdmin, query: { tenant_id: caller.id } }]) {
          const missing = await call(ctx, route, { ...variant, params: { task_id: randomUUID() } });
          const foreign = await call(ctx, route, { ...variant, params: { task_id: exports.get(owner) as string } });
          expectSameAsMissing(foreign, missing, `${route} with ${owner.id}'s export from ${caller.id}`, tally);
        }
      }
    },
  };
}
