-- Column order is the export order: id, tenant_id, received_at, then the event fields.
CREATE TABLE logs (
  id               uuid        NOT NULL,
  tenant_id        uuid        NOT NULL,
  received_at      timestamptz NOT NULL,
  action           text        NOT NULL,
  severity         text        NOT NULL CHECK (severity IN ('INFO', 'WARNING', 'ERROR', 'CRITICAL')),
  user_id          text        NOT NULL,
  session_id       text,
  resource         text,
  resource_id      text,
  message          text,
  ip_address       inet,
  user_agent       text,
  before_state     jsonb,
  after_state      jsonb,
  metadata         jsonb,
  event_timestamp  timestamptz NOT NULL,
  event_id         text,
  PRIMARY KEY (tenant_id, event_timestamp, id)
) PARTITION BY RANGE (event_timestamp);

CREATE INDEX logs_tenant_id_idx        ON logs (tenant_id, id);
CREATE INDEX logs_tenant_user_idx      ON logs (tenant_id, user_id, event_timestamp);
CREATE INDEX logs_tenant_action_idx    ON logs (tenant_id, action, event_timestamp);
CREATE INDEX logs_tenant_resource_idx  ON logs (tenant_id, resource, resource_id, event_timestamp);

ALTER TABLE logs ENABLE ROW LEVEL SECURITY;
ALTER TABLE logs FORCE ROW LEVEL SECURITY;
CREATE POLICY logs_tenant_isolation ON logs
  USING (tenant_id = current_tenant_id())
  WITH CHECK (tenant_id = current_tenant_id());

-- A unique index on a partitioned table must contain the partition key, so per-tenant uniqueness
-- of the client's event_id lives in its own table, written in the same transaction as the event.
CREATE TABLE log_event_ids (
  tenant_id        uuid        NOT NULL,
  event_id         text        NOT NULL,
  log_id           uuid        NOT NULL,
  event_timestamp  timestamptz NOT NULL,
  received_at      timestamptz NOT NULL,
  content_sha256   bytea       NOT NULL,
  PRIMARY KEY (tenant_id, event_id)
);

ALTER TABLE log_event_ids ENABLE ROW LEVEL SECURITY;
ALTER TABLE log_event_ids FORCE ROW LEVEL SECURITY;
CREATE POLICY log_event_ids_tenant_isolation ON log_event_ids
  USING (tenant_id = current_tenant_id())
  WITH CHECK (tenant_id = current_tenant_id());

GRANT SELECT, INSERT, DELETE ON logs TO audit_application;
GRANT SELECT, INSERT, DELETE ON log_event_ids TO audit_application;

-- Monthly partitions are created on demand. The application may not run DDL, so it calls this
-- owner-defined function; concurrent callers for the same month are harmless.
CREATE FUNCTION ensure_log_partition(at timestamptz) RETURNS text
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
DECLARE
  month_start timestamptz := date_trunc('month', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
  month_end   timestamptz := month_start + interval '1 month';
  partition   text := format('logs_y%sm%s', to_char(month_start AT TIME ZONE 'UTC', 'YYYY'),
                                             to_char(month_start AT TIME ZONE 'UTC', 'MM'));
BEGIN
  IF to_regclass(partition) IS NULL THEN
    BEGIN
      EXECUTE format('CREATE TABLE %I PARTITION OF logs FOR VALUES FROM (%L) TO (%L)',
                     partition, month_start, month_end);
    EXCEPTION WHEN duplicate_table OR unique_violation THEN
      NULL;
    END;
  END IF;
  RETURN partition;
END $$;

REVOKE ALL ON FUNCTION ensure_log_partition(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ensure_log_partition(timestamptz) TO audit_application;

SELECT ensure_log_partition(now() + make_interval(months => m)) FROM generate_series(-12, 3) AS m;
