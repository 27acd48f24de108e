-- Proofs read the stored hashes of complete subtrees at every fourth level (4, 8, 12, ...) rather
-- than every eighth: a proof at 1,000,000 leaves then folds about 90 stored hashes instead of about
-- 650 (docs/integrity.md). Levels 8, 16, 24, ... are already stored; this adds 4, 12, 20, ... for
-- the trees sealed so far, each subtree folded from the 16 hashes four levels below it exactly as
-- the sealer folds them (RFC 9162 §2.1: node = SHA-256(0x01 || left || right)).

CREATE FUNCTION pg_temp.integrity_fold(hashes bytea[]) RETURNS bytea
  LANGUAGE plpgsql IMMUTABLE STRICT
  AS $$
  DECLARE
    level bytea[] := hashes;
    above bytea[];
  BEGIN
    WHILE cardinality(level) > 1 LOOP
      above := '{}';
      FOR i IN 1 .. cardinality(level) BY 2 LOOP
        above := above || sha256('\x01'::bytea || level[i] || level[i + 1]);
      END LOOP;
      level := above;
    END LOOP;
    RETURN level[1];
  END $$;

DO $$
DECLARE
  target smallint := 4;
  added bigint;
BEGIN
  LOOP
    IF target = 4 THEN
      INSERT INTO integrity_subtrees (tenant_id, level, idx, hash)
      SELECT tenant_id, 4, (seq - 1) / 16, pg_temp.integrity_fold(array_agg(leaf_hash ORDER BY seq))
        FROM integrity_leaves
       GROUP BY tenant_id, (seq - 1) / 16
      HAVING count(*) = 16
      ON CONFLICT DO NOTHING;
    ELSE
      INSERT INTO integrity_subtrees (tenant_id, level, idx, hash)
      SELECT tenant_id, target, idx / 16, pg_temp.integrity_fold(array_agg(hash ORDER BY idx))
        FROM integrity_subtrees
       WHERE level = target - 4
       GROUP BY tenant_id, idx / 16
      HAVING count(*) = 16
      ON CONFLICT DO NOTHING;
    END IF;
    GET DIAGNOSTICS added = ROW_COUNT;
    EXIT WHEN added = 0 AND NOT EXISTS (SELECT 1 FROM integrity_subtrees WHERE level = target);
    target := target + 4;
  END LOOP;
END $$;
