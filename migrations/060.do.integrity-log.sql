-- The tamper-evident log (docs/integrity.md): per tenant, an append-only RFC 9162 Merkle tree over
-- its events in order of sealing. These tables hold what proofs and verification need, apart from
-- `logs`, so that retention may delete events while their leaves and checkpoints stay provable.
-- The application may add to them and read them; it may never change or remove a row.

-- Leaf seq - 1 of the tenant's tree: SHA-256(0x00 || JCS(event as the API returns it, seq included)).
CREATE TABLE integrity_leaves (
  tenant_id  uuid        NOT NULL,
  seq        bigint      NOT NULL CHECK (seq >= 1),
  log_id     uuid        NOT NULL,
  leaf_hash  bytea       NOT NULL CHECK (length(leaf_hash) = 32),
  sealed_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, seq)
);
CREATE UNIQUE INDEX integrity_leaves_log_idx ON integrity_leaves (tenant_id, log_id) INCLUDE (seq);

-- Hashes of complete aligned subtrees at levels 8, 16, 24, ... (leaves [idx·2^level, (idx+1)·2^level)),
-- like C2SP tlog-tiles: any proof then folds a few hundred stored hashes, at any tree size.
CREATE TABLE integrity_subtrees (
  tenant_id  uuid     NOT NULL,
  level      smallint NOT NULL CHECK (level > 0),
  idx        bigint   NOT NULL CHECK (idx >= 0),
  hash       bytea    NOT NULL CHECK (length(hash) = 32),
  PRIMARY KEY (tenant_id, level, idx)
);

-- Signed C2SP checkpoints; the same note is also written to the archive bucket.
CREATE TABLE integrity_checkpoints (
  tenant_id  uuid        NOT NULL,
  tree_size  bigint      NOT NULL CHECK (tree_size >= 1),
  root_hash  bytea       NOT NULL CHECK (length(root_hash) = 32),
  origin     text        NOT NULL,
  body       text        NOT NULL,
  signature  bytea       NOT NULL,
  key_id     text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, tree_size)
);

-- Which ingest transactions (their reindex tasks list the log ids they wrote) are sealed: the
-- sealer's feed, read without adding anything to ingest's own transaction.
CREATE TABLE integrity_sealed_tasks (
  tenant_id       uuid        NOT NULL,
  task_id         uuid        NOT NULL,
  task_created_at timestamptz NOT NULL,
  sealed_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, task_id)
);
CREATE INDEX integrity_sealed_tasks_created_idx ON integrity_sealed_tasks (tenant_id, task_created_at DESC);

-- The sealer finds a tenant's reindex tasks by creation time.
CREATE INDEX async_task_tenant_type_created_idx ON async_task (tenant_id, task_type, created_at);

DO $$
DECLARE
  name text;
BEGIN
  FOREACH name IN ARRAY ARRAY['integrity_leaves', 'integrity_subtrees', 'integrity_checkpoints', 'integrity_sealed_tasks'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', name);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', name);
    EXECUTE format('CREATE POLICY %I ON %I USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id())', name || '_tenant_isolation', name);
    EXECUTE format('GRANT SELECT, INSERT ON %I TO audit_application', name);
  END LOOP;
END $$;

-- Verification runs as a task (migration 045 allows its type); sealing runs as a workflow per
-- tenant, with no task row per run.
