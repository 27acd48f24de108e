-- Each part of an archive, recorded once it is uploaded to S3 and read back (size and SHA-256).
-- It is the durable resume point of an archive task (a retried task, which runs under a new
-- workflow id without the old run's heartbeat, continues after the last recorded part) and the
-- source of the manifest. Keys are stored exactly as written into the parts: RFC 3339 text with
-- every fractional digit PostgreSQL keeps, so a keyset resumes at the exact row.
CREATE TABLE archive_parts (
  tenant_id              uuid    NOT NULL,
  task_id                uuid    NOT NULL REFERENCES async_task (task_id),
  part_number            integer NOT NULL CHECK (part_number >= 1),
  object_key             text    NOT NULL,
  row_count              integer NOT NULL CHECK (row_count > 0),
  byte_size              bigint  NOT NULL CHECK (byte_size > 0),
  sha256                 text    NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  first_event_timestamp  text    NOT NULL,
  first_id               uuid    NOT NULL,
  last_event_timestamp   text    NOT NULL,
  last_id                uuid    NOT NULL,
  recorded_at            timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, task_id, part_number)
);

ALTER TABLE archive_parts ENABLE ROW LEVEL SECURITY;
ALTER TABLE archive_parts FORCE ROW LEVEL SECURITY;
CREATE POLICY archive_parts_tenant_isolation ON archive_parts
  USING (tenant_id = current_tenant_id())
  WITH CHECK (tenant_id = current_tenant_id());

-- A part rewritten after a crash replaces its record (same key, recomputed checksum); parts are
-- never deleted, they are the history of what an archive contains.
GRANT SELECT, INSERT, UPDATE ON archive_parts TO audit_application;
