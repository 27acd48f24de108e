-- One archive → cleanup chain per tenant at a time (design guarantee 7): two chains over the same
-- rows would put an event in two manifests. An archive or log_cleanup task that has not succeeded
-- (pending, running, or failed and waiting for its retry) holds the tenant's only slot, so a second
-- request fails here whichever API process or sweep sends it. The chain's hand-over from archive to
-- cleanup happens in one transaction that first marks the archive succeeded (leaving the index),
-- then inserts the cleanup task (entering it), so the slot is never free in between; a failed task
-- keeps it until POST /tasks/{id}/retry finishes the chain.
CREATE UNIQUE INDEX async_task_one_retention_chain ON async_task (tenant_id)
  WHERE task_type IN ('archive', 'log_cleanup') AND status <> 'succeeded';
-- A database where a tenant already holds two unfinished chain tasks (possible before this index)
-- fails here naming the tenant: let one chain finish, or mark the older task failed-and-superseded
-- by hand, then run the migration again.
