-- Per-tenant request limits. NULL means "the service defaults" (RATE_LIMIT_PER_SECOND and
-- RATE_LIMIT_BURST), so changing a default reaches every tenant that never chose its own.
ALTER TABLE tenants
  ADD COLUMN rate_limit_per_second integer CHECK (rate_limit_per_second BETWEEN 1 AND 100000),
  ADD COLUMN rate_limit_burst      integer CHECK (rate_limit_burst BETWEEN 1 AND 1000000),
  ADD CONSTRAINT tenants_rate_limit_both_or_neither CHECK ((rate_limit_per_second IS NULL) = (rate_limit_burst IS NULL)),
  ADD CONSTRAINT tenants_rate_limit_burst_covers_rate CHECK (rate_limit_burst >= rate_limit_per_second);

-- Unfinished tasks are few and are what operators act on; succeeded ones grow without bound.
-- This partial index keeps the metrics scrape's count proportional to the former.
CREATE INDEX async_task_unfinished_idx ON async_task (status, task_type) WHERE status <> 'succeeded';

-- The metrics endpoint reports task counts across tenants, which row-level security hides from
-- the application role; it reads them through this owner-defined function, which returns only
-- counts (never a tenant id or a row).
CREATE FUNCTION unfinished_task_counts()
  RETURNS TABLE (task_type text, status text, tasks bigint)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT t.task_type, t.status, count(*)
      FROM async_task t
     WHERE t.status <> 'succeeded'
     GROUP BY t.task_type, t.status
  $$;

REVOKE ALL ON FUNCTION unfinished_task_counts() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION unfinished_task_counts() TO audit_application;
