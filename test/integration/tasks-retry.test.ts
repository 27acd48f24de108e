import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { createTenant, tokenFor } from '../support/fixtures';
import { reindexFailingDuring } from '../support/injected-outage';
import { eventsBetween, taskRow, waitForTask } from '../support/retention';
import { seedLogs } from '../support/seed-logs';
import { testSystem, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

const { EventType } = temporal.api.enums.v1;

/**
 * Retrying a failed task, by API and by Temporal's own reset, against the real stack. The worker's
 * reindex activity does its real work and then fails permanently while `outage` is set, as a
 * dependency that breaks at the end of a run would.
 */
describe('tasks API: retry', function () {
  this.timeout(120_000);
  let system: TestSystem;
  let tenantId: string;
  let admin: string;
  let outage = true;

  const requestReindex = async () => {
    const response = await system.api.http.post(`/api/v1/reindex?tenant_id=${tenantId}`, { token: admin });
    expect(response.status).to.equal(202);
    return response.body.task_id as string;
  };
  const readTask = async (taskId: string) => (await system.api.http.get(`/api/v1/tasks/${taskId}?tenant_id=${tenantId}`, { token: admin })).body;

  before(async () => {
    system = await testSystem();
    tenantId = await createTenant(system);
    admin = tokenFor(system, 'admin', undefined, 'ops-alice');
    await seedLogs(system, tenantId, eventsBetween(30, new Date(Date.now() - 3600_000), new Date()), { index: false });
    await system.replaceWorker(reindexFailingDuring(() => outage));
  });

  after(async () => {
    await system.replaceWorker();
  });

  it('starts a new run under a new workflow id for a failed task, and the row follows it', async () => {
    outage = true;
    const taskId = await requestReindex();
    const failed = await waitForTask(system, taskId, 'failed');
    expect(failed.error_msg).to.equal('InjectedOutage: search cluster went read-only');
    expect(failed).to.include({ attempts: 1, retry_count: 0, workflow_id: `reindex_tenant-${taskId}` });

    outage = false;
    const accepted = await system.api.http.post(`/api/v1/tasks/${taskId}/retry?tenant_id=${tenantId}`, { token: admin });
    expect(accepted.status).to.equal(202);
    expect(accepted.headers.get('location')).to.equal(`/api/v1/tasks/${taskId}`);
    expect(accepted.body).to.include({ task_id: taskId, status: 'pending', retry_count: 1, workflow_id: null, temporal_ui_url: null });

    const succeeded = await waitForTask(system, taskId, 'succeeded');
    expect(succeeded).to.include({ workflow_id: `reindex_tenant-${taskId}-retry-1`, attempts: 2, retry_count: 1, error_msg: null });
    expect(succeeded.run_id).to.not.equal(failed.run_id);
    expect(succeeded.result).to.include({ indexed: 30 });
    const view = await readTask(taskId);
    expect(view.temporal_ui_url).to.contain(`/workflows/reindex_tenant-${taskId}-retry-1/${succeeded.run_id}/history`);

    // The row is marked succeeded by the run's last activity, a moment before the run itself completes.
    await system.temporal.workflow.getHandle(`reindex_tenant-${taskId}-retry-1`).result();
    const first = await system.temporal.workflow.getHandle(`reindex_tenant-${taskId}`).describe();
    const second = await system.temporal.workflow.getHandle(`reindex_tenant-${taskId}-retry-1`).describe();
    expect(first.status.name).to.equal('FAILED');
    expect(second.status.name).to.equal('COMPLETED');

    const again = await system.api.http.post(`/api/v1/tasks/${taskId}/retry?tenant_id=${tenantId}`, { token: admin });
    expect(again.status).to.equal(409);
  });

  it('follows a run that an operator resets with Temporal to its first workflow task', async () => {
    outage = true;
    const taskId = await requestReindex();
    const failed = await waitForTask(system, taskId, 'failed');
    outage = false;

    // What `temporal workflow reset --type FirstWorkflowTask` does: reset to the first completed workflow task.
    const handle = system.temporal.workflow.getHandle(failed.workflow_id, failed.run_id);
    const history = await handle.fetchHistory();
    const firstTask = history.events?.find((event) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
    const reset = await system.temporal.workflowService.resetWorkflowExecution({
      namespace: system.config.temporal.namespace,
      workflowExecution: { workflowId: failed.workflow_id, runId: failed.run_id },
      workflowTaskFinishEventId: firstTask?.eventId,
      reason: 'test: retry after the outage',
      requestId: randomUUID(),
    });

    // The row stays failed until the reset run marks it running under its own run id.
    const succeeded = await waitFor('the reset run to succeed', async () => {
      const row = await taskRow(system, taskId);
      return row?.run_id === reset.runId && row.status === 'succeeded' ? row : undefined;
    });
    expect(succeeded).to.include({ workflow_id: `reindex_tenant-${taskId}`, retry_count: 0, attempts: 2, error_msg: null });
  });

  it("never starts an older generation's message beside a retry", async () => {
    const taskId = randomUUID();
    await system.ownerPool.query(
      `INSERT INTO async_task (task_id, tenant_id, task_type, status, payload, retry_count, published_at)
       VALUES ($1, $2, 'reindex_tenant', 'pending', '{}', 1, now())`,
      [taskId, tenantId],
    );
    const bridge = system.bridges[0];
    const stale = await bridge?.startRun({ taskId, tenantId, taskType: 'reindex_tenant' });
    expect(stale).to.equal('stale');
    const never = await system.temporal.workflow.getHandle(`reindex_tenant-${taskId}`).describe().catch((error: unknown) => error);
    expect(never).to.be.instanceOf(WorkflowNotFoundError);

    const current = await bridge?.startRun({ taskId, tenantId, taskType: 'reindex_tenant', retryCount: 1 });
    expect(current).to.be.oneOf(['started', 'already-started']);
    const succeeded = await waitForTask(system, taskId, 'succeeded');
    expect(succeeded.workflow_id).to.equal(`reindex_tenant-${taskId}-retry-1`);
  });
});
