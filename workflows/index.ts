export { indexTaskBatchWorkflow } from './index-task-batch-workflow';
export { reindexTenantWorkflow } from './reindex-tenant-workflow';
export { retentionSweepWorkflow } from './retention-sweep-workflow';
export { archiveWorkflow } from './archive-workflow';
export { cleanupWorkflow } from './cleanup-workflow';
export { exportWorkflow } from './export-workflow';
