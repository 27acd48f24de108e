import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Search attributes of every run started for tasks, so `TenantId = "<id>"` or `TaskId = "<id>"`
 * lists them in the Temporal UI and CLI, a batch run of several tenants under each of them. The
 * dev and test servers register them at start (ops/stack/servers/temporal.sh); a production
 * cluster registers them once with `temporal operator search-attribute create` (docs/operations.md).
 */
export const TENANT_ID_ATTRIBUTE = defineSearchAttributeKey('TenantId', SearchAttributeType.KEYWORD_LIST);
export const TASK_ID_ATTRIBUTE = defineSearchAttributeKey('TaskId', SearchAttributeType.KEYWORD_LIST);
export const TASK_TYPE_ATTRIBUTE = defineSearchAttributeKey('TaskType', SearchAttributeType.KEYWORD);
