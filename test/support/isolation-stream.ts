import { expect } from 'chai';
import { expectNoForeignMarkers, expectOnlyOwnRows, rowsIn } from './isolation-checks';
import { call, pairs, type MatrixEntry } from './isolation-matrix';
import type { MatrixTenant } from './isolation-world';
import { openStream, refusedStream, type StreamClient } from './stream-client';

/** Each auditor's subscription is itself recorded (audit_log.viewed) and streamed: the sockets follow the probes only. */
const PROBES = { action: 'stream.probe' };

/**
 * The live tail: every tenant subscribes (naming another tenant in tenant_id, which its token
 * overrides), a platform admin subscribes to each tenant, then every tenant writes one event; each
 * socket receives its own tenant's event and nothing of any other.
 */
export function stream(route: string): MatrixEntry {
  return {
    route,
    kind: 'live tail',
    async run(ctx) {
      const { world, tally } = ctx;
      const url = world.system.api.url;
      const refused = await refusedStream(url, { query: { tenant_id: world.tenants[0]?.id ?? '' } });
      expect(refused.status).to.equal(401);
      tally.count();
      const subscriptions: { caller: MatrixTenant; client: StreamClient }[] = [];
      try {
        for (const [caller, owner] of pairs(world)) {
          subscriptions.push({ caller, client: await openStream(url, { token: caller.tokens.auditor, query: { tenant_id: owner.id, ...PROBES } }) });
        }
        for (const caller of world.tenants) {
          subscriptions.push({ caller, client: await openStream(url, { token: world.platformAdmin, query: { tenant_id: caller.id, ...PROBES } }) });
        }
        ctx.tally.requests += subscriptions.length;
        // Two rounds: the hub reads every channel from one Redis connection in publish order, so once
        // a socket has its own second-round event, any first-round event of another tenant that
        // leaked to it would already be there.
        let lastRound = new Map<MatrixTenant, string>();
        for (let round = 0; round < 2; round += 1) {
          lastRound = new Map();
          for (const tenant of world.tenants) {
            const body = { action: 'stream.probe', severity: 'INFO', message: `${tenant.marker} round ${round}` };
            const response = await call(ctx, 'POST /api/v1/logs', { token: tenant.tokens.user, body });
            expect(response.status, response.text).to.equal(201);
            lastRound.set(tenant, response.body.id);
            tenant.logIds.add(response.body.id);
          }
        }
        for (const { caller, client } of subscriptions) {
          expect(client.messages[0], 'subscribed message').to.include({ type: 'subscribed', tenant_id: caller.id });
          await client.logWithId(lastRound.get(caller) as string);
          const received = rowsIn(client.logs());
          expect(received, `${route} socket of ${caller.id}: both rounds`).to.have.length(2);
          expectOnlyOwnRows(world, caller, received, `${route} socket of ${caller.id}`, tally);
          expectNoForeignMarkers(world, caller, JSON.stringify(client.messages), `${route} socket of ${caller.id}`, tally);
        }
      } finally {
        await Promise.all(subscriptions.map(({ client }) => client.close()));
      }
    },
  };
}

