import { expect } from 'chai';
import { ScheduleOverlapPolicy, type ScheduleHandle } from '@temporalio/client';
import { listLogPartitions } from '../../adapters/postgres/log-partitions';
import { LOG_PARTITION_WORKFLOW, logPartitionScheduleId } from '../../ops/provisioning/ensure-log-partition-schedule';
import type { LogPartitionRun } from '../../features/log-partitions/ensure-log-partitions';
import { testSystem, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

describe('scheduled partition maintenance: the log-partitions Temporal Schedule', function () {
  this.timeout(120_000);
  let system: TestSystem;
  let schedule: ScheduleHandle;

  /** Triggers the schedule and returns the result of the run it started. */
  async function triggerRun(): Promise<LogPartitionRun> {
    const before = (await schedule.describe()).info.numActionsTaken;
    await schedule.trigger(ScheduleOverlapPolicy.ALLOW_ALL);
    const description = await waitFor('the schedule to start a run', async () => {
      const current = await schedule.describe();
      return current.info.numActionsTaken > before ? current : undefined;
    });
    const latest = [...description.info.recentActions].sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime())[0];
    const { workflowId, firstExecutionRunId } = latest?.action.workflow ?? { workflowId: '', firstExecutionRunId: '' };
    return system.temporal.workflow.getHandle(workflowId, firstExecutionRunId).result();
  }

  before(async () => {
    system = await testSystem();
    schedule = system.temporal.schedule.getHandle(logPartitionScheduleId(system.config.temporal.taskQueue));
  });

  it("exists with a daily spec that starts the maintenance on this deployment's task queue", async () => {
    const description = await schedule.describe();
    expect(description.action).to.include({ type: 'startWorkflow', workflowType: LOG_PARTITION_WORKFLOW, taskQueue: system.config.temporal.taskQueue });
    expect(description.spec.calendars).to.have.length(1);
    expect(description.policies.overlap).to.equal(ScheduleOverlapPolicy.SKIP);
  });

  it('creates the months ahead that are missing, and nothing when all are there', async () => {
    const now = new Date();
    const ahead = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + system.config.events.partitionMonthsAhead, 1));
    const furthest = (await listLogPartitions(system.ownerPool)).find((partition) => partition.from.getTime() === ahead.getTime());
    expect(furthest, `a partition from ${ahead.toISOString()}`).to.not.equal(undefined);
    // No event can be months in the future, so the furthest month is empty: drop it as if it had never been made.
    await system.ownerPool.query(`DROP TABLE "${furthest?.name}"`);

    const run = await triggerRun();
    expect(run.created).to.deep.equal([furthest?.name]);
    const after = await listLogPartitions(system.ownerPool);
    expect(after.map((partition) => partition.name)).to.include(furthest?.name);
    expect(run.total).to.equal(after.length);

    expect((await triggerRun()).created).to.deep.equal([]);
  });
});
