-- Partitions of `logs` are made ahead of time, never by a request.
--
-- Until now ensure_log_partition created a monthly partition for any month an event named, on the
-- ingest path: any `user` token could create thousands (each one an exclusive lock on `logs`, and
-- one more index every id lookup probes). Events may now be at most EVENT_TIMESTAMP_HORIZON_YEARS
-- old (422 beyond), and provisioning plus a daily Temporal Schedule create (domain/log-partition-plan.ts):
--   * one partition per month, from the previous month to LOG_PARTITION_MONTHS_AHEAD ahead;
--   * before that, back to 1 January of the horizon's first year, one partition per calendar year.
-- Backdated events within the horizon land in a partition that already exists.
--
-- Why yearly partitions made ahead and not one DEFAULT partition: a partition can only be added
-- next to a DEFAULT partition after PostgreSQL has scanned the default for rows in the new range,
-- and if it holds any the new partition is refused until someone moves them. The monthly window
-- moves forward every month, so that scan (or that move) would come back every month and grow with
-- the backdated data. Yearly partitions covering the whole horizon cost a few tables per year and
-- never need a row moved.
--
-- The existing monthly partitions stay as they are: the planner only fills the gaps around them
-- (a year with monthly partitions gets partitions for its remaining runs of months), so no row
-- moves. No partition is detached or dropped here.

-- Each partition's range, parsed from its bound (`FOR VALUES FROM ('…') TO ('…')`; DEFAULT has none).
CREATE VIEW log_partition_ranges AS
  SELECT c.relname::text AS name, bounds[1]::timestamptz AS range_start, bounds[2]::timestamptz AS range_end
    FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    CROSS JOIN LATERAL regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']+)''\) TO \(''([^'']+)''\)') AS bounds
   WHERE i.inhparent = 'logs'::regclass;

GRANT SELECT ON log_partition_ranges TO audit_application;

-- Creates the partition for [range_start, range_end): whole UTC months within one calendar year,
-- named logs_y2026m03 (a month), logs_y2024 (a year) or logs_y2024m01_m05 (January to May).
-- Returns false when it exists already (concurrent callers are harmless). The table is created
-- first and then attached: ATTACH takes only a SHARE UPDATE EXCLUSIVE lock on `logs`, so inserts
-- and reads go on meanwhile, where CREATE TABLE … PARTITION OF would block them. lock_timeout
-- bounds the wait behind a long-running DDL; the caller retries.
CREATE FUNCTION create_log_partition(range_start timestamptz, range_end timestamptz) RETURNS boolean
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET TimeZone = 'UTC' SET lock_timeout = '10s'
  AS $$
DECLARE
  first_month timestamp := range_start AT TIME ZONE 'UTC';
  end_month   timestamp := range_end AT TIME ZONE 'UTC';
  partition   text;
BEGIN
  IF first_month <> date_trunc('month', first_month) OR end_month <> date_trunc('month', end_month)
     OR end_month <= first_month OR end_month > date_trunc('year', first_month) + interval '1 year' THEN
    RAISE EXCEPTION 'a log partition spans whole UTC months within one year, not [%, %)', range_start, range_end
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  -- The largest horizon and months ahead the configuration allows (platform/config/env-schema.ts).
  IF range_start < date_trunc('year', now()) - interval '200 years' OR range_end > date_trunc('month', now()) + interval '25 months' THEN
    RAISE EXCEPTION 'a log partition lies within 200 years before and 24 months after the current month, not [%, %)', range_start, range_end
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  partition := CASE
    WHEN end_month = first_month + interval '1 month' THEN to_char(first_month, '"logs_y"YYYY"m"MM')
    WHEN first_month = date_trunc('year', first_month) AND end_month = first_month + interval '1 year' THEN to_char(first_month, '"logs_y"YYYY')
    ELSE to_char(first_month, '"logs_y"YYYY"m"MM') || to_char(end_month - interval '1 month', '"_m"MM')
  END;
  IF to_regclass(partition) IS NOT NULL THEN
    RETURN false;
  END IF;
  BEGIN
    EXECUTE format('CREATE TABLE %I (LIKE logs INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', partition);
  EXCEPTION WHEN duplicate_table OR unique_violation THEN
    RETURN false;
  END;
  EXECUTE format('ALTER TABLE logs ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', partition, range_start, range_end);
  RETURN true;
END $$;

REVOKE ALL ON FUNCTION create_log_partition(timestamptz, timestamptz) FROM PUBLIC;
-- The worker's daily maintenance activity runs as the application role.
GRANT EXECUTE ON FUNCTION create_log_partition(timestamptz, timestamptz) TO audit_application;

-- The ingest path's only fallback, for when the daily maintenance has fallen behind for months:
-- the previous, current and next month if no partition covers them. At most 3 partitions, and
-- which ones does not depend on anything a client sends.
CREATE FUNCTION ensure_recent_log_partitions() RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET TimeZone = 'UTC'
  AS $$
DECLARE
  created integer := 0;
  month_start timestamptz;
BEGIN
  FOR month_start IN
    SELECT generate_series(date_trunc('month', now()) - interval '1 month', date_trunc('month', now()) + interval '1 month', interval '1 month')
  LOOP
    IF NOT EXISTS (SELECT 1 FROM log_partition_ranges WHERE range_start < month_start + interval '1 month' AND range_end > month_start)
       AND create_log_partition(month_start, month_start + interval '1 month') THEN
      created := created + 1;
    END IF;
  END LOOP;
  RETURN created;
END $$;

REVOKE ALL ON FUNCTION ensure_recent_log_partitions() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ensure_recent_log_partitions() TO audit_application;

-- Kept for the owner's own scripts (ops/bench seeds): a month that some partition already covers
-- (a yearly one) is left alone instead of failing on the overlap. The application may no longer
-- call it: requests do not create partitions.
CREATE OR REPLACE FUNCTION ensure_log_partition(at timestamptz) RETURNS text
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET TimeZone = 'UTC'
  AS $$
DECLARE
  month_start timestamptz := date_trunc('month', at);
  covering    text;
BEGIN
  SELECT name INTO covering FROM log_partition_ranges WHERE at >= range_start AND at < range_end;
  IF covering IS NULL THEN
    PERFORM create_log_partition(month_start, month_start + interval '1 month');
    SELECT name INTO covering FROM log_partition_ranges WHERE at >= range_start AND at < range_end;
  END IF;
  RETURN covering;
END $$;

REVOKE EXECUTE ON FUNCTION ensure_log_partition(timestamptz) FROM audit_application;

SELECT ensure_recent_log_partitions();
