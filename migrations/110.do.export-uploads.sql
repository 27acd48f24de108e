-- The multipart upload an export job is writing, and each part of it once S3 has stored it: the
-- durable resume point of an export (a worker killed mid-export loses its heartbeat's last
-- throttled minutes, not these rows). A retried attempt continues the same upload after the last
-- recorded part, keyset-reading from its last row, so parts already uploaded are kept. The rows
-- are deleted once the object is complete. Keys are PostgreSQL's RFC 3339 text with every
-- fractional digit it keeps, so the keyset resumes at the exact row.
CREATE TABLE export_uploads (
  tenant_id    uuid    NOT NULL,
  task_id      uuid    NOT NULL REFERENCES async_task (task_id),
  object_key   text    NOT NULL,
  upload_id    text    NOT NULL,
  started_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, task_id)
);

CREATE TABLE export_upload_parts (
  tenant_id             uuid    NOT NULL,
  task_id               uuid    NOT NULL,
  part_number           integer NOT NULL CHECK (part_number BETWEEN 1 AND 10000),
  etag                  text    NOT NULL,
  row_count             integer NOT NULL CHECK (row_count >= 0),
  byte_size             bigint  NOT NULL CHECK (byte_size > 0),
  last_event_timestamp  text,
  last_id               uuid,
  -- The part that holds the export's last row: nothing follows it, the upload only needs completing.
  final                 boolean NOT NULL DEFAULT false,
  recorded_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, task_id, part_number),
  FOREIGN KEY (tenant_id, task_id) REFERENCES export_uploads (tenant_id, task_id) ON DELETE CASCADE
);

ALTER TABLE export_uploads ENABLE ROW LEVEL SECURITY;
ALTER TABLE export_uploads FORCE ROW LEVEL SECURITY;
CREATE POLICY export_uploads_tenant_isolation ON export_uploads
  USING (tenant_id = current_tenant_id())
  WITH CHECK (tenant_id = current_tenant_id());

ALTER TABLE export_upload_parts ENABLE ROW LEVEL SECURITY;
ALTER TABLE export_upload_parts FORCE ROW LEVEL SECURITY;
CREATE POLICY export_upload_parts_tenant_isolation ON export_upload_parts
  USING (tenant_id = current_tenant_id())
  WITH CHECK (tenant_id = current_tenant_id());

GRANT SELECT, INSERT, UPDATE, DELETE ON export_uploads, export_upload_parts TO audit_application;
