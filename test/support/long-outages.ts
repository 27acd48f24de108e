import { expect } from 'chai';
import { setTimeout as pace } from 'node:timers/promises';
import { outageSandboxName, startOutageSystem } from './outage-system';
import { signToken } from '../../platform/auth/sign-token';
import type { Role } from '../../domain/auth';
import { createTenant } from './fixtures';
import {
  Acknowledged,
  ingestDuringOutage,
  postOne,
  requestCleanup,
  seedBeforeOutage,
  tenantTaskIds,
  waitUntilIndexed,
  waitUntilTasksEnd,
  type OutageTenant,
} from './outage-tour';
import { startPrivateOpenSearch, type PrivateOpenSearch } from './private-opensearch';
import { startPrivateTemporal, type PrivateTemporal } from './private-temporal';
import { countLogs, waitForTask } from './retention';
import type { TestSystem } from './system';

/**
 * Before this was fixed, index activities gave up after 8 attempts with backoff capped at 30 s:
 * 1 + 2 + 4 + 8 + 16 + 30 + 30 s ≈ 91 s of OpenSearch errors failed the task.
 */
export const OLD_INDEX_RETRY_BUDGET_MS = 91_000;

/** Queue settings that shorten the dead-letter horizon (visibility timeout × maxReceiveCount) to 30 s. */
export const SHORT_QUEUE_HORIZON = { SQS_VISIBILITY_TIMEOUT_SECONDS: '10', SQS_MAX_RECEIVE_COUNT: '3' };
export const SHORT_DEAD_LETTER_HORIZON_MS = 10_000 * 3;

/** Time given to the backlog to drain once the server is back: a long outage leaves many duplicate task messages. */
const HEALING_TIMEOUT_MS = 600_000;

/**
 * Ingests a single and a bulk POST every `everyMs` until `outageMs` has passed, each answered 201
 * and committed. The pause paces the load; it waits for no condition.
 */
async function ingestThroughout(system: TestSystem, tenant: OutageTenant, acknowledged: Acknowledged, outageMs: number, everyMs: number): Promise<number> {
  const until = Date.now() + outageMs;
  let rounds = 0;
  while (Date.now() < until) {
    await ingestDuringOutage(system, tenant, acknowledged);
    rounds += 1;
    await pace(Math.max(0, Math.min(everyMs, until - Date.now())));
  }
  return rounds;
}

/** Every event of `ids` is a document in OpenSearch (read directly), every task of the tenant `succeeded`, and none was retried by anyone. */
async function expectHealedWithoutOperator(system: TestSystem, tenant: OutageTenant, ids: readonly string[]): Promise<{ tasks: number }> {
  // Tasks first: a failed task's events are never indexed, and this names it instead of timing out.
  const taskIds = await tenantTaskIds(system, tenant.tenantId);
  expect(await waitUntilTasksEnd(system, taskIds, HEALING_TIMEOUT_MS), 'tasks that did not succeed').to.deep.equal([]);
  await waitUntilIndexed(system, tenant.tenantId, ids, HEALING_TIMEOUT_MS);
  const retried = await system.ownerPool.query<{ task_id: string }>('SELECT task_id FROM async_task WHERE tenant_id = $1 AND retry_count > 0', [tenant.tenantId]);
  expect(retried.rows, 'tasks retried by an operator').to.deep.equal([]);
  return { tasks: taskIds.length };
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/** A tenant whose tokens outlive the test (the usual test tokens expire after 10 minutes, as long as the longest outage). */
async function longOutageTenant(system: TestSystem): Promise<OutageTenant> {
  const tenantId = await createTenant(system);
  const token = (role: Role, tenant?: string) => signToken(system.config.jwt, { sub: `long-outage-${role}`, role, tenantId: tenant, ttlSeconds: 3 * 3600 }).token;
  return { tenantId, user: token('user', tenantId), reader: token('admin', tenantId), admin: token('admin') };
}

/**
 * Temporal stopped for `outageMs` (at least 3× the dead-letter horizon) while users keep writing
 * and a retention cleanup is requested: afterwards every task has succeeded without anyone retrying
 * it. `queueSettings` shortens the horizon for CI.
 */
export function describeLongTemporalOutage(outageMs: number, queueSettings: Record<string, string>, horizonMs: number) {
  describe(`outage: Temporal down for ${seconds(outageMs)} (dead-letter horizon ${seconds(horizonMs)})`, function () {
    this.timeout(outageMs + HEALING_TIMEOUT_MS * 2 + 300_000);
    let temporal: PrivateTemporal;
    let system: TestSystem;
    let tenant: OutageTenant;

    before(async () => {
      expect(outageMs, 'the outage lasts at least 3 dead-letter horizons').to.be.at.least(3 * horizonMs);
      temporal = await startPrivateTemporal();
      system = await startOutageSystem(outageSandboxName('temporal-long'), { temporalAddress: temporal.address }, queueSettings);
      tenant = await longOutageTenant(system);
    });
    after(async () => {
      await temporal?.start().catch(() => undefined);
      await system?.stop();
      await temporal?.dispose();
    });

    it('keeps ingesting, and every task succeeds once Temporal is back, with no operator', async () => {
      const { acknowledged, old, tail } = await seedBeforeOutage(system, tenant);
      await tail.close();
      const stoppedAt = Date.now();
      await temporal.stop();
      let archiveTaskId: string;
      let rounds: number;
      try {
        const cleanup = await requestCleanup(system, tenant);
        expect(cleanup.status, cleanup.text).to.equal(202);
        archiveTaskId = cleanup.body.task_id;
        rounds = await ingestThroughout(system, tenant, acknowledged, outageMs - (Date.now() - stoppedAt), 5_000);
      } finally {
        await temporal.start();
      }
      const restartedAt = Date.now();

      // The old event is archived and deleted by the cleanup, from the index too.
      const { tasks } = await expectHealedWithoutOperator(system, tenant, acknowledged.ids.filter((id) => id !== old.body.id));
      const archive = await waitForTask(system, archiveTaskId, 'succeeded', HEALING_TIMEOUT_MS);
      await waitForTask(system, archive.result.log_cleanup_task_id, 'succeeded', HEALING_TIMEOUT_MS);
      expect(await countLogs(system, tenant.tenantId), 'exactly the old event was archived and deleted').to.equal(acknowledged.ids.length - 1);
      console.log(
        `      Temporal down ${seconds(restartedAt - stoppedAt)} (horizon ${seconds(horizonMs)}): ${rounds} rounds, ${acknowledged.ids.length} events acknowledged, ` +
          `${tasks} tasks all succeeded ${seconds(Date.now() - restartedAt)} after the restart, 0 operator calls`,
      );
    });
  });
}

/**
 * OpenSearch stopped for `outageMs` (at least 3× the old retry budget) while users keep writing and
 * an admin asks for a tenant reindex: afterwards every event is indexed and every task has succeeded
 * without anyone retrying it.
 */
export function describeLongOpenSearchOutage(outageMs: number) {
  describe(`outage: OpenSearch down for ${seconds(outageMs)} (old retry budget ${seconds(OLD_INDEX_RETRY_BUDGET_MS)})`, function () {
    this.timeout(outageMs + HEALING_TIMEOUT_MS * 2 + 400_000);
    let opensearch: PrivateOpenSearch;
    let system: TestSystem;
    let tenant: OutageTenant;

    before(async () => {
      expect(outageMs, 'the outage lasts at least 3 old retry budgets').to.be.at.least(3 * OLD_INDEX_RETRY_BUDGET_MS);
      opensearch = await startPrivateOpenSearch();
      system = await startOutageSystem(outageSandboxName('opensearch-long'), { opensearchUrl: opensearch.url });
      tenant = await longOutageTenant(system);
    });
    after(async () => {
      await opensearch?.start().catch(() => undefined);
      await system?.stop();
      await opensearch?.dispose();
    });

    it('keeps ingesting, and indexes every event and succeeds every task once OpenSearch is back, with no operator', async () => {
      const acknowledged = new Acknowledged();
      acknowledged.record(await postOne(system, tenant, 'before the outage'));
      await waitUntilIndexed(system, tenant.tenantId, acknowledged.ids);

      const stoppedAt = Date.now();
      await opensearch.stop();
      let rounds: number;
      let attempts: number;
      try {
        const reindex = await system.api.http.post(`/api/v1/reindex?tenant_id=${tenant.tenantId}`, { token: tenant.admin });
        expect(reindex.status, reindex.text).to.equal(202);
        rounds = await ingestThroughout(system, tenant, acknowledged, outageMs - (Date.now() - stoppedAt), 10_000);
        const counted = await system.ownerPool.query<{ max: number }>(`SELECT max(attempts)::int AS max FROM async_task WHERE tenant_id = $1 AND task_type <> 'integrity_seal'`, [tenant.tenantId]);
        attempts = counted.rows[0]?.max ?? 0;
      } finally {
        await opensearch.start();
      }
      const restartedAt = Date.now();
      expect(attempts, 'some task was attempted more often than the old budget of 8 allowed').to.be.above(8);

      const { tasks } = await expectHealedWithoutOperator(system, tenant, acknowledged.ids);
      console.log(
        `      OpenSearch down ${seconds(restartedAt - stoppedAt)} (old budget ${seconds(OLD_INDEX_RETRY_BUDGET_MS)}): ${rounds} rounds, ${acknowledged.ids.length} events acknowledged, ` +
          `up to ${attempts} attempts per task, ${tasks} tasks all succeeded ${seconds(Date.now() - restartedAt)} after the restart, 0 operator calls`,
      );
    });
  });
}
