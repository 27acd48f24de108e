-- The relay re-publishes a task whose run has not started, but while Temporal (or the bridge) is down
-- no re-publish can start it, and re-publishing every `min_age` only piles duplicate messages onto the
-- queue. Each further re-publish of the same task now waits twice as long as the one before
-- (min_age, 2x, 4x, ...), capped at max_backoff, so an outage of any length costs a task O(log) messages.
DROP FUNCTION claim_unstarted_tasks(interval, integer);

CREATE FUNCTION claim_unstarted_tasks(min_age interval, max_count integer, max_backoff interval)
  RETURNS TABLE (task_id uuid, tenant_id uuid, task_type text, retry_count integer)
  LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    UPDATE async_task AS t
       SET published_at = now(), publish_count = t.publish_count + 1
     WHERE t.task_id IN (
             SELECT c.task_id FROM async_task c
              WHERE c.status = 'pending' AND c.workflow_id IS NULL
                AND c.created_at < now() - min_age
                AND (c.published_at IS NULL
                     OR c.published_at < now() - least(min_age * power(2, least(greatest(c.publish_count - 1, 0), 30)), max_backoff))
              ORDER BY c.created_at
              LIMIT max_count
              FOR UPDATE SKIP LOCKED)
    RETURNING t.task_id, t.tenant_id, t.task_type, t.retry_count
  $$;

REVOKE ALL ON FUNCTION claim_unstarted_tasks(interval, integer, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION claim_unstarted_tasks(interval, integer, interval) TO audit_application;

-- A publish that failed (the queue itself is down) is not a re-publish: its count is handed back so the
-- backoff measures only messages that reached the queue, and the task is tried again after min_age.
CREATE FUNCTION unclaim_unpublished_tasks(task_ids uuid[])
  RETURNS void
  LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    UPDATE async_task SET publish_count = greatest(publish_count - 1, 0)
     WHERE task_id = ANY(task_ids) AND status = 'pending' AND workflow_id IS NULL
  $$;

REVOKE ALL ON FUNCTION unclaim_unpublished_tasks(uuid[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION unclaim_unpublished_tasks(uuid[]) TO audit_application;
