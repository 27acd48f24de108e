export { indexTaskBatchWorkflow } from './index-task-batch-workflow';
export { indexLogsWorkflow } from './index-logs-workflow';
export { reindexTenantWorkflow } from './reindex-tenant-workflow';
export { retentionSweepWorkflow } from './retention-sweep-workflow';
export { archiveWorkflow } from './archive-workflow';
export { cleanupWorkflow } from './cleanup-workflow';
export { sealWorkflow } from './seal-workflow';
export { integrityVerifyWorkflow } from './integrity-verify-workflow';
