-- Live tail resume (docs/live-tail.md): every event has a position in its tenant's commit order.
--
-- A writer takes its positions from the tenant's counter row as the last step of its transaction,
-- so the row stays locked until that transaction commits. The next writer of the tenant waits for
-- the lock, reads the committed counter and takes higher positions; PostgreSQL makes a commit
-- visible before it releases the transaction's locks. Positions are therefore dense (a rollback
-- undoes its increment too) and become visible strictly in order: a reader that sees position N
-- sees every position below N that was ever committed, and a resumed stream can trust there is no
-- hole to wait for. The price is that a tenant's writers commit one at a time, for the length of
-- their final insert and commit only.
CREATE TABLE log_positions (
  tenant_id      uuid   PRIMARY KEY,
  last_position  bigint NOT NULL CHECK (last_position >= 0)
);

ALTER TABLE log_positions ENABLE ROW LEVEL SECURITY;
ALTER TABLE log_positions FORCE ROW LEVEL SECURITY;
CREATE POLICY log_positions_tenant_isolation ON log_positions
  USING (tenant_id = current_tenant_id())
  WITH CHECK (tenant_id = current_tenant_id());

GRANT SELECT, INSERT, UPDATE ON log_positions TO audit_application;

ALTER TABLE logs ADD COLUMN position bigint;

-- Events stored before positions existed get them in the order they were received.
UPDATE logs AS l
   SET position = numbered.position
  FROM (SELECT tenant_id, event_timestamp, id,
               row_number() OVER (PARTITION BY tenant_id ORDER BY received_at, id) AS position
          FROM logs) AS numbered
 WHERE l.tenant_id = numbered.tenant_id AND l.event_timestamp = numbered.event_timestamp AND l.id = numbered.id;

INSERT INTO log_positions (tenant_id, last_position)
SELECT tenant_id, max(position) FROM logs GROUP BY tenant_id;

ALTER TABLE logs ALTER COLUMN position SET NOT NULL;

CREATE INDEX logs_tenant_position_idx ON logs (tenant_id, position);

-- The application assigns positions itself, one counter update per transaction. A row inserted
-- without one (maintenance, tests, benchmarks) takes the next position the same way, so no path
-- can store an event that a resumed stream would never replay.
CREATE FUNCTION assign_log_position() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  INSERT INTO log_positions AS p (tenant_id, last_position) VALUES (NEW.tenant_id, 1)
  ON CONFLICT (tenant_id) DO UPDATE SET last_position = p.last_position + 1
  RETURNING p.last_position INTO NEW.position;
  RETURN NEW;
END $$;

CREATE TRIGGER logs_assign_position BEFORE INSERT ON logs
  FOR EACH ROW WHEN (NEW.position IS NULL) EXECUTE FUNCTION assign_log_position();
