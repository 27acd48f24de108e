import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { patched, upsertSearchAttributes } from '@temporalio/workflow';

// The same keys and limit as adapters/temporal (a unit test keeps them equal): workflow code cannot
// import that module, only its types.
const TENANT_ID = defineSearchAttributeKey('TenantId', SearchAttributeType.KEYWORD_LIST);
const TASK_ID = defineSearchAttributeKey('TaskId', SearchAttributeType.KEYWORD_LIST);
const MAX_LISTED_IDS = 40;
export const RUN_ATTRIBUTES = { TENANT_ID, TASK_ID, MAX_LISTED_IDS };

/**
 * Narrows a batch run's TenantId and TaskId to the tasks it actually claimed. Two bridges can start
 * runs over overlapping sets (a task re-published while its first message waited); only one claims
 * each task, and the other must not be listed as a run of it in the Temporal UI.
 */
export function listOnlyClaimed(claimed: readonly { tenantId: string; taskIds: readonly string[] }[], carried: number): void {
  const taskIds = claimed.flatMap((tenant) => tenant.taskIds);
  // Runs started before this change replay without the extra command.
  if (taskIds.length === carried || !patched('list-only-claimed-tasks')) return;
  const tenantIds = claimed.map((tenant) => tenant.tenantId);
  upsertSearchAttributes([
    { key: TENANT_ID, value: tenantIds.length > 0 ? tenantIds : null },
    { key: TASK_ID, value: taskIds.length > 0 && taskIds.length <= MAX_LISTED_IDS ? taskIds : null },
  ]);
}
