-- GET /tasks for a platform admin without tenant_id lists every tenant's tasks. The application
-- role stays under row-level security; these owner-defined functions are the one way across.
CREATE INDEX async_task_created_idx ON async_task (created_at DESC, task_id DESC);

CREATE FUNCTION list_tasks_all_tenants(task_type_filter text, status_filter text, max_count integer, skip_count integer)
  RETURNS SETOF async_task
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT * FROM async_task t
     WHERE (task_type_filter IS NULL OR t.task_type = task_type_filter)
       AND (status_filter IS NULL OR t.status = status_filter)
     ORDER BY t.created_at DESC, t.task_id DESC
     LIMIT max_count OFFSET skip_count
  $$;

CREATE FUNCTION count_tasks_all_tenants(task_type_filter text, status_filter text)
  RETURNS bigint
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT count(*) FROM async_task t
     WHERE (task_type_filter IS NULL OR t.task_type = task_type_filter)
       AND (status_filter IS NULL OR t.status = status_filter)
  $$;

REVOKE ALL ON FUNCTION list_tasks_all_tenants(text, text, integer, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION count_tasks_all_tenants(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION list_tasks_all_tenants(text, text, integer, integer) TO audit_application;
GRANT EXECUTE ON FUNCTION count_tasks_all_tenants(text, text) TO audit_application;
