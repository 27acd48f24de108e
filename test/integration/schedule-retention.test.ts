import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { ScheduleOverlapPolicy, type ScheduleHandle } from '@temporalio/client';
import { RETENTION_SCHEDULER } from '../../activities/retention-sweep-activities';
import { tenantsRepository } from '../../adapters/postgres/tenants-repository';
import { ensureRetentionSchedule, retentionScheduleId } from '../../ops/provisioning/ensure-retention-schedule';
import type { RetentionSweepResult } from '../../workflows/retention-sweep-workflow';
import { eventsBetween, logIds, waitForTask } from '../support/retention';
import { seedLogs } from '../support/seed-logs';
import { testSystem, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

const DAY = 24 * 3600_000;
const startOfUtcDay = (at: number) => Math.floor(at / DAY) * DAY;

describe('scheduled retention: the retention-sweep Temporal Schedule', function () {
  this.timeout(240_000);
  let system: TestSystem;
  let schedule: ScheduleHandle;

  async function tenantWithEvents(retentionDays: number, ages: { from: number; to: number; count: number }[]): Promise<string> {
    const tenant = await tenantsRepository(system.appPool).create({ id: randomUUID(), name: `retention-${randomUUID()}`, retentionDays });
    const now = Date.now();
    for (const age of ages) {
      await seedLogs(system, tenant.id, eventsBetween(age.count, new Date(now - age.from * DAY), new Date(now - age.to * DAY)));
    }
    return tenant.id;
  }

  /** Triggers the schedule and returns the result of the sweep run it started. */
  async function triggerSweep(): Promise<RetentionSweepResult> {
    const before = (await schedule.describe()).info.numActionsTaken;
    await schedule.trigger(ScheduleOverlapPolicy.ALLOW_ALL);
    const description = await waitFor('the schedule to start a sweep', async () => {
      const current = await schedule.describe();
      return current.info.numActionsTaken > before ? current : undefined;
    });
    const latest = [...description.info.recentActions].sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime())[0];
    const { workflowId, firstExecutionRunId } = latest?.action.workflow ?? { workflowId: '', firstExecutionRunId: '' };
    return system.temporal.workflow.getHandle(workflowId, firstExecutionRunId).result();
  }

  const scheduledArchives = async (tenantId: string) =>
    (
      await system.ownerPool.query(
        `SELECT task_id, payload FROM async_task WHERE tenant_id = $1 AND task_type = 'archive' AND user_id = $2 ORDER BY created_at`,
        [tenantId, RETENTION_SCHEDULER],
      )
    ).rows as { task_id: string; payload: Record<string, unknown> }[];

  before(async () => {
    system = await testSystem();
    schedule = system.temporal.schedule.getHandle(retentionScheduleId(system.config.temporal.taskQueue));
  });

  it('exists with a daily spec that starts the sweep on this deployment\'s task queue', async () => {
    const description = await schedule.describe();
    expect(description.action).to.include({ type: 'startWorkflow', workflowType: 'retentionSweepWorkflow', taskQueue: system.config.temporal.taskQueue });
    expect(description.spec.calendars).to.have.length(1);
    expect(description.spec.calendars?.[0]).to.deep.include({ hour: [{ start: 2, end: 2, step: 1 }], minute: [{ start: 15, end: 15, step: 1 }] });
    expect(description.policies.overlap).to.equal(ScheduleOverlapPolicy.SKIP);
    expect(description.info.nextActionTimes[0]?.getUTCHours()).to.equal(2);
  });

  it('is provisioned idempotently and keeps an operator\'s pause', async () => {
    const { note } = (await schedule.describe()).state;
    await schedule.pause('paused by an operator');
    try {
      expect(await ensureRetentionSchedule(system.temporal, system.config.temporal.taskQueue)).to.equal('updated');
      const description = await schedule.describe();
      expect(description.state).to.include({ paused: true, note: 'paused by an operator' });
      expect(description.action).to.include({ workflowType: 'retentionSweepWorkflow' });
    } finally {
      await schedule.unpause(note ?? '');
    }
  });

  it("archives then deletes each tenant's events past its retention_days, once per day", async () => {
    const due = await tenantWithEvents(30, [
      { from: 60, to: 40, count: 150 },
      { from: 10, to: 1, count: 50 },
    ]);
    const longRetention = await tenantWithEvents(365, [{ from: 60, to: 40, count: 40 }]);
    const recentOnly = await tenantWithEvents(30, [{ from: 10, to: 1, count: 40 }]);
    const cutoff = new Date(startOfUtcDay(Date.now()) - 30 * DAY).toISOString();
    const recent = await system.ownerPool.query('SELECT id::text FROM logs WHERE tenant_id = $1 AND event_timestamp >= $2', [due, cutoff]);

    const first = await triggerSweep();
    expect(first.as_of).to.equal(new Date(startOfUtcDay(Date.now())).toISOString());
    expect(first.requested).to.be.at.least(1);
    const archives = await scheduledArchives(due);
    expect(archives).to.have.length(1);
    expect(archives[0]?.payload.before_date).to.equal(cutoff);
    expect(await scheduledArchives(longRetention)).to.have.length(0);
    expect(await scheduledArchives(recentOnly)).to.have.length(0);

    const second = await triggerSweep();
    expect(second.requested).to.equal(0);
    expect(await scheduledArchives(due)).to.have.length(1);

    const archive = await waitForTask(system, archives[0]?.task_id as string, 'succeeded');
    await waitForTask(system, archive.result.log_cleanup_task_id as string, 'succeeded');
    expect(await logIds(system, due)).to.deep.equal(new Set(recent.rows.map((row: { id: string }) => row.id)));
    expect((await logIds(system, longRetention)).size).to.equal(40);
    expect((await logIds(system, recentOnly)).size).to.equal(40);

    const afterChain = await triggerSweep();
    expect(afterChain.requested).to.equal(0);
    expect(await scheduledArchives(due)).to.have.length(1);
  });
});
