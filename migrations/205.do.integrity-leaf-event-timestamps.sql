-- Where a sealed event's row lives: `logs` is partitioned by event_timestamp, and a lookup by id
-- alone plans and probes every partition (about 21 of them), which was most of the time of
-- GET /logs/{id}/proof. The sealer writes the event's event_timestamp with its leaf, so proofs and
-- single reads go to the one partition that can hold the row. It only locates the row, it proves
-- nothing: the leaf hash covers the event's event_timestamp, and a reader that finds no row there
-- looks in every partition, as before. Leaves sealed before this migration keep NULL (looked up in
-- every partition); no existing row is rewritten.
ALTER TABLE integrity_leaves ADD COLUMN event_timestamp timestamptz;
