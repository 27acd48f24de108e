-- A retry starts a new workflow run under a new workflow id (`<type>-<task>-retry-<n>`), because the
-- bridge starts runs with REJECT_DUPLICATE so that a redelivered message can never start a second
-- run of the same generation. retry_count is that generation; task messages carry it.
ALTER TABLE async_task ADD COLUMN retry_count integer NOT NULL DEFAULT 0 CHECK (retry_count >= 0);

-- The outbox relay must re-publish a retried task with its generation, so the claim returns it.
DROP FUNCTION claim_unstarted_tasks(interval, integer);

CREATE FUNCTION claim_unstarted_tasks(min_age interval, max_count integer)
  RETURNS TABLE (task_id uuid, tenant_id uuid, task_type text, retry_count integer)
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
    RETURNING t.task_id, t.tenant_id, t.task_type, t.retry_count
  $$;

REVOKE ALL ON FUNCTION claim_unstarted_tasks(interval, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION claim_unstarted_tasks(interval, integer) TO audit_application;
