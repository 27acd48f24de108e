import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { taskTypeRow, type TaskType } from '../../domain/task-types';
import { TASK_ID_ATTRIBUTE, TASK_TYPE_ATTRIBUTE, TENANT_ID_ATTRIBUTE } from './search-attributes';

/**
 * Temporal refuses a search attribute value over 2 KB (limit.searchAttributeValueSize): 40 UUIDs
 * fit with room to spare. A run lists at most this many tenants (the batch starter splits larger
 * batches); its TaskId lists its tasks only when they fit, and a larger batch run is found through
 * its tasks' `workflow_id` (GET /tasks/{id}) or its tenants.
 */
export const MAX_LISTED_IDS = 40;

export interface TaskRunStart {
  taskType: TaskType;
  workflowId: string;
  /** The workflow's single argument: ids only, never rows. */
  input: unknown;
  /** Every tenant the run works for (its TenantId search attribute). */
  tenantIds: readonly string[];
  /** Every task the run carries (its TaskId search attribute). */
  taskIds: readonly string[];
}

/**
 * Starts the workflow that runs a task (or a batch of tasks of one type), with the start options
 * every task run shares: a redelivered message must never start a second run, even after the first
 * one finished, and the run carries the search attributes the Temporal UI filters by.
 * Returns undefined when a run with that id was already started.
 */
export async function startTaskWorkflow(temporal: Client, taskQueue: string, run: TaskRunStart): Promise<WorkflowHandleWithFirstExecutionRunId | undefined> {
  const tenants = [...new Set(run.tenantIds)];
  const taskIds = [...new Set(run.taskIds)];
  if (tenants.length > MAX_LISTED_IDS) throw new Error(`a run may work for at most ${MAX_LISTED_IDS} tenants (asked for ${tenants.length})`);
  try {
    return await temporal.workflow.start(taskTypeRow(run.taskType).workflow, {
      taskQueue,
      workflowId: run.workflowId,
      args: [run.input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      workflowIdConflictPolicy: 'FAIL',
      typedSearchAttributes: new TypedSearchAttributes([
        { key: TASK_TYPE_ATTRIBUTE, value: run.taskType },
        { key: TENANT_ID_ATTRIBUTE, value: tenants },
        ...(taskIds.length <= MAX_LISTED_IDS ? [{ key: TASK_ID_ATTRIBUTE, value: taskIds }] : []),
      ]),
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return undefined;
    throw error;
  }
}
