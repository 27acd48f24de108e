-- The outbox and the visible state of every background run.
CREATE TABLE async_task (
  task_id          uuid PRIMARY KEY,
  tenant_id        uuid        NOT NULL,
  task_type        text        NOT NULL CHECK (task_type IN ('reindex', 'archive', 'log_cleanup')),
  status           text        NOT NULL DEFAULT 'pending'
                               CHECK (status IN ('pending', 'running', 'succeeded', 'failed')),
  user_id          text,
  payload          jsonb       NOT NULL DEFAULT '{}'::jsonb,
  error_msg        text,
  attempts         integer     NOT NULL DEFAULT 0,
  progress_done    bigint      NOT NULL DEFAULT 0,
  progress_total   bigint,
  result           jsonb,
  workflow_id      text,
  run_id           text,
  published_at     timestamptz,
  publish_count    integer     NOT NULL DEFAULT 0,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX async_task_tenant_created_idx ON async_task (tenant_id, created_at DESC);
CREATE INDEX async_task_unstarted_idx ON async_task (created_at)
  WHERE status = 'pending' AND workflow_id IS NULL;

ALTER TABLE async_task ENABLE ROW LEVEL SECURITY;
ALTER TABLE async_task FORCE ROW LEVEL SECURITY;
CREATE POLICY async_task_tenant_isolation ON async_task
  USING (tenant_id = current_tenant_id())
  WITH CHECK (tenant_id = current_tenant_id());

GRANT SELECT, INSERT, UPDATE ON async_task TO audit_application;

-- The outbox relay works across tenants, so it claims through this owner-defined function
-- rather than by lifting row-level security for the application role.
CREATE FUNCTION claim_unstarted_tasks(min_age interval, max_count integer)
  RETURNS TABLE (task_id uuid, tenant_id uuid, task_type text)
  LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    UPDATE async_task AS t
       SET published_at = now(), publish_count = t.publish_count + 1
     WHERE t.task_id IN (
             SELECT c.task_id FROM async_task c
              WHERE c.status = 'pending' AND c.workflow_id IS NULL
                AND c.created_at < now() - min_age
                AND (c.published_at IS NULL OR c.published_at < now() - min_age)
              ORDER BY c.created_at
              LIMIT max_count
              FOR UPDATE SKIP LOCKED)
    RETURNING t.task_id, t.tenant_id, t.task_type
  $$;

REVOKE ALL ON FUNCTION claim_unstarted_tasks(interval, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION claim_unstarted_tasks(interval, integer) TO audit_application;
