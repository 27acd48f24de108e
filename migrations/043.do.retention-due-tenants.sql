-- The daily retention sweep asks which tenants hold events older than their retention allows.
-- That looks into every tenant's logs, so it is an owner-defined function that returns only
-- tenant ids and cutoffs; the archive and cleanup then run inside each tenant's own scope.
-- Paged by tenant id so a sweep over many tenants passes small batches between activities.
CREATE FUNCTION tenants_due_for_retention(as_of timestamptz, after_tenant uuid, max_count integer)
  RETURNS TABLE (tenant_id uuid, retention_days integer, cutoff timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT t.id, t.retention_days, as_of - make_interval(days => t.retention_days)
      FROM tenants t
     WHERE (after_tenant IS NULL OR t.id > after_tenant)
       AND EXISTS (SELECT 1 FROM logs l
                    WHERE l.tenant_id = t.id
                      AND l.event_timestamp < as_of - make_interval(days => t.retention_days))
     ORDER BY t.id
     LIMIT max_count
  $$;

REVOKE ALL ON FUNCTION tenants_due_for_retention(timestamptz, uuid, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenants_due_for_retention(timestamptz, uuid, integer) TO audit_application;
