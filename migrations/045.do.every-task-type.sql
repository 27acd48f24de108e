-- Every task type of the API contract, so a type's row in domain/task-types.ts and its workflow can
-- land without another constraint change: reconcile (PostgreSQL vs OpenSearch repair), seal and
-- integrity_verify (tamper evidence), restore and export (archives read again, export jobs).
ALTER TABLE async_task DROP CONSTRAINT async_task_task_type_check;
ALTER TABLE async_task ADD CONSTRAINT async_task_task_type_check
  CHECK (task_type IN ('reindex', 'archive', 'log_cleanup', 'reindex_tenant', 'reconcile', 'seal',
                       'integrity_verify', 'restore', 'export'));
