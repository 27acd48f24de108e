-- Restores (api.md, "Restores"): an archived range of a tenant brought back into search as marked,
-- expiring copies. One row per POST /restores, next to its `restore` task; the copies live in a
-- search index of their own (`<index>-restored`), which retention and reconcile never read, so
-- they are never archived, cleaned or "repaired" away.
CREATE TABLE restores (
  restore_id   uuid        PRIMARY KEY,
  tenant_id    uuid        NOT NULL REFERENCES tenants (id),
  task_id      uuid        NOT NULL UNIQUE REFERENCES async_task (task_id),
  start_time   timestamptz NOT NULL,
  end_time     timestamptz NOT NULL CHECK (end_time > start_time),
  -- Searches stop showing the copies at this instant; the expiry schedule then deletes them.
  expires_at   timestamptz NOT NULL,
  -- Copies loaded, once the restore succeeded.
  row_count    bigint,
  -- When the copies were deleted from search, and why: expiry, or DELETE /restores/{id}.
  removed_at   timestamptz,
  removed_by   text CHECK (removed_by IN ('expiry', 'request')),
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX restores_tenant_created ON restores (tenant_id, created_at DESC);
CREATE INDEX restores_expiring ON restores (expires_at) WHERE removed_at IS NULL;

-- The archive parts a restore loads, chosen once (the plan), each marked when its rows are in
-- search: the resume point of a restore whose worker died or whose task was retried.
CREATE TABLE restore_parts (
  tenant_id        uuid    NOT NULL,
  restore_id       uuid    NOT NULL REFERENCES restores (restore_id) ON DELETE CASCADE,
  position         integer NOT NULL CHECK (position >= 1),
  archive_task_id  uuid    NOT NULL,
  object_key       text    NOT NULL,
  byte_size        bigint  NOT NULL,
  sha256           text    NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  loaded_rows      integer,
  loaded_at        timestamptz,
  PRIMARY KEY (restore_id, position)
);

ALTER TABLE restores ENABLE ROW LEVEL SECURITY;
ALTER TABLE restores FORCE ROW LEVEL SECURITY;
CREATE POLICY restores_tenant_isolation ON restores
  USING (tenant_id = current_tenant_id())
  WITH CHECK (tenant_id = current_tenant_id());
ALTER TABLE restore_parts ENABLE ROW LEVEL SECURITY;
ALTER TABLE restore_parts FORCE ROW LEVEL SECURITY;
CREATE POLICY restore_parts_tenant_isolation ON restore_parts
  USING (tenant_id = current_tenant_id())
  WITH CHECK (tenant_id = current_tenant_id());

GRANT SELECT, INSERT, UPDATE ON restores TO audit_application;
GRANT SELECT, INSERT, UPDATE ON restore_parts TO audit_application;

-- The expiry schedule looks across tenants for restores past expires_at whose copies are still in
-- search; it gets ids only, and removes each inside that tenant's own scope.
CREATE FUNCTION restores_due_for_removal(as_of timestamptz, max_count integer)
  RETURNS TABLE (tenant_id uuid, restore_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT r.tenant_id, r.restore_id
      FROM restores r JOIN async_task t ON t.task_id = r.task_id
     WHERE r.removed_at IS NULL AND r.expires_at <= as_of AND t.status IN ('succeeded', 'failed')
     ORDER BY r.expires_at, r.restore_id
     LIMIT max_count
  $$;

REVOKE ALL ON FUNCTION restores_due_for_removal(timestamptz, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION restores_due_for_removal(timestamptz, integer) TO audit_application;
