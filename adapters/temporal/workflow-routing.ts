import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { TaskType } from '../../domain/task';

/** Search attributes the dev server registers (ops/stack/servers/temporal.sh), so the UI can filter runs. */
export const TENANT_ID_ATTRIBUTE = defineSearchAttributeKey('TenantId', SearchAttributeType.KEYWORD);
export const TASK_TYPE_ATTRIBUTE = defineSearchAttributeKey('TaskType', SearchAttributeType.KEYWORD);

const WORKFLOW_OF: Partial<Record<TaskType, string>> = {
  reindex: 'indexTaskBatchWorkflow',
  archive: 'archiveWorkflow',
  log_cleanup: 'cleanupWorkflow',
  reindex_tenant: 'reindexTenantWorkflow',
  integrity_verify: 'integrityVerifyWorkflow',
};

/** The workflow type that runs a task, or undefined while this build has none for it. */
export function workflowTypeFor(taskType: TaskType): string | undefined {
  return WORKFLOW_OF[taskType];
}
