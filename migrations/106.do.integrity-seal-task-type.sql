-- Seal runs show in the task list as `integrity_seal` tasks (docs/integrity.md): each session of a
-- tenant's sealer writes one row.
ALTER TABLE async_task DROP CONSTRAINT async_task_task_type_check;
ALTER TABLE async_task ADD CONSTRAINT async_task_task_type_check
  CHECK (task_type IN ('reindex', 'archive', 'log_cleanup', 'reindex_tenant', 'reconcile', 'seal',
                       'integrity_seal', 'integrity_verify', 'restore', 'export'));
