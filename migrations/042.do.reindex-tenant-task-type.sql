-- reindex_tenant: an operator's rebuild of a tenant's search documents over a time range, as
-- opposed to `reindex`, which carries the log ids one ingest wrote.
ALTER TABLE async_task DROP CONSTRAINT async_task_task_type_check;
ALTER TABLE async_task ADD CONSTRAINT async_task_task_type_check
  CHECK (task_type IN ('reindex', 'archive', 'log_cleanup', 'reindex_tenant'));
