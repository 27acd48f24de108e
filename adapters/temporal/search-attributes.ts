import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Search attributes the dev server registers (ops/stack/servers/temporal.sh), so the UI can filter runs. */
export const TENANT_ID_ATTRIBUTE = defineSearchAttributeKey('TenantId', SearchAttributeType.KEYWORD);
export const TASK_TYPE_ATTRIBUTE = defineSearchAttributeKey('TaskType', SearchAttributeType.KEYWORD);
