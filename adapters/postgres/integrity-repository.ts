import type { EventTimeRange } from '../../domain/event-time-range';
import type { StoredSpan } from '../../domain/integrity/stored-subtrees';
import { assertTenant, type TenantTx } from './tenant-transaction';

export interface NewLeaf {
  seq: number;
  logId: string;
  leafHash: Buffer;
  /** The event's event_timestamp (ISO 8601), kept to find its row in one partition. */
  eventTimestamp: string;
}

export interface StoredLeaf {
  seq: number;
  logId: string;
  leafHash: Buffer;
}

/** An ingest transaction not sealed yet: its reindex task, how many events it wrote and the span of their event times (null when its task has none). */
export interface UnsealedBatch {
  taskId: string;
  createdAt: Date;
  events: number;
  /** Characters of the events' JSON as ingested; null on tasks written before it was counted. */
  bytes: number | null;
  eventTimeRange: EventTimeRange | null;
}

/**
 * How far back the sealer looks for ingest transactions it has not sealed: a transaction's task
 * carries its start time, and one that committed after later ones were sealed is still found as
 * long as it committed within this margin. One that committed later still is found by a look over
 * every age (`reach: 'every-age'`), which catch-up sealing makes.
 */
const LATE_COMMIT_MARGIN = '5 minutes';

/** Which unsealed ingest transactions a look finds: those within the late-commit margin of the newest sealed one, or all of them. */
export type UnsealedReach = 'recent' | 'every-age';

export function integrityRepository(tx: TenantTx) {
  const query = tx.client.query.bind(tx.client);

  return {
    /** Serialises sealing per tenant for the rest of the transaction, whatever process runs it. */
    async lockLog(tenantId: string): Promise<void> {
      assertTenant(tx, tenantId);
      await query(`SELECT pg_advisory_xact_lock(hashtextextended('integrity-seal:' || $1, 0))`, [tenantId]);
    },

    async treeSize(tenantId: string): Promise<number> {
      assertTenant(tx, tenantId);
      const { rows } = await query<{ size: string }>('SELECT COALESCE(max(seq), 0) AS size FROM integrity_leaves WHERE tenant_id = $1', [tenantId]);
      return Number(rows[0]?.size ?? 0);
    },

    /**
     * Ingest transactions of the tenant not sealed yet, oldest first, up to `limit` of them. A look
     * over every age reads all the tenant's reindex tasks, where a recent one reads an index range.
     */
    async unsealedBatches(tenantId: string, limit: number, reach: UnsealedReach = 'recent'): Promise<UnsealedBatch[]> {
      assertTenant(tx, tenantId);
      const since =
        reach === 'recent'
          ? `AND t.created_at >= COALESCE((SELECT max(task_created_at) FROM integrity_sealed_tasks WHERE tenant_id = $1), '-infinity') - interval '${LATE_COMMIT_MARGIN}'`
          : '';
      const { rows } = await query<{ task_id: string; created_at: Date; events: number | null; bytes: string | null; time_from: Date | null; time_to: Date | null }>(
        `SELECT t.task_id, t.created_at, jsonb_array_length(t.payload->'log_ids') AS events, (t.payload->>'bytes')::bigint AS bytes,
                (t.payload->'event_time_range'->>'from')::timestamptz AS time_from, (t.payload->'event_time_range'->>'to')::timestamptz AS time_to
           FROM async_task t
          WHERE t.tenant_id = $1 AND t.task_type = 'reindex' ${since}
            AND NOT EXISTS (SELECT 1 FROM integrity_sealed_tasks s WHERE s.tenant_id = $1 AND s.task_id = t.task_id)
          ORDER BY t.created_at, t.task_id
          LIMIT $2`,
        [tenantId, limit],
      );
      return rows.map((row) => ({
        taskId: row.task_id,
        createdAt: row.created_at,
        events: row.events ?? 0,
        bytes: row.bytes === null ? null : Number(row.bytes),
        eventTimeRange: row.time_from && row.time_to ? { from: row.time_from, to: row.time_to } : null,
      }));
    },

    /**
     * The log ids each of the given ingest transactions wrote that no leaf covers yet: one list per
     * task id, in the given order, each in its transaction's order.
     */
    async unsealedLogIdsOf(tenantId: string, taskIds: readonly string[]): Promise<string[][]> {
      assertTenant(tx, tenantId);
      const { rows } = await query<{ log_id: string; position: string }>(
        // The ids are cast to uuid before the anti-join (MATERIALIZED): a cast is not leakproof, so
        // under row-level security it cannot enter integrity_leaves' index condition, and a nested
        // loop then compared each id with every leaf of the tenant (1,000 ids against a tenant of
        // 20,000 leaves: 5-30 s inside a seal step, under the benchmark's bulk load).
        `WITH ids AS MATERIALIZED (
           SELECT e.log_id::uuid AS log_id, wanted.position, e.n
             FROM unnest($2::uuid[]) WITH ORDINALITY AS wanted(task_id, position)
             JOIN async_task t ON t.tenant_id = $1 AND t.task_id = wanted.task_id
             CROSS JOIN LATERAL jsonb_array_elements_text(t.payload->'log_ids') WITH ORDINALITY AS e(log_id, n)
         )
         SELECT ids.log_id, ids.position FROM ids
          WHERE NOT EXISTS (SELECT 1 FROM integrity_leaves i WHERE i.tenant_id = $1 AND i.log_id = ids.log_id)
          ORDER BY ids.position, ids.n`,
        [tenantId, taskIds],
      );
      const perTask = taskIds.map((): string[] => []);
      for (const row of rows) perTask[Number(row.position) - 1]?.push(row.log_id);
      return perTask;
    },

    /**
     * Stored events of the tenant that no leaf covers and no unsealed ingest transaction wrote:
     * rows that came in behind the service's back. Events legitimately waiting for the sealer are
     * left out in PostgreSQL (a hash anti-join, spilling to disk if it must), not in this process: a
     * tenant with sealing off for a while holds millions of them, more than a worker's heap.
     */
    async unrecordedEventIds(tenantId: string): Promise<string[]> {
      assertTenant(tx, tenantId);
      const { rows } = await query<{ id: string }>(
        `WITH pending AS MATERIALIZED (
           SELECT e.log_id::uuid AS log_id
             FROM async_task t CROSS JOIN LATERAL jsonb_array_elements_text(t.payload->'log_ids') AS e(log_id)
            WHERE t.tenant_id = $1 AND t.task_type = 'reindex'
              AND NOT EXISTS (SELECT 1 FROM integrity_sealed_tasks s WHERE s.tenant_id = $1 AND s.task_id = t.task_id)
         )
         SELECT l.id FROM logs l
          WHERE l.tenant_id = $1
            AND NOT EXISTS (SELECT 1 FROM integrity_leaves i WHERE i.tenant_id = $1 AND i.log_id = l.id)
            AND NOT EXISTS (SELECT 1 FROM pending p WHERE p.log_id = l.id)`,
        [tenantId],
      );
      return rows.map((row) => row.id);
    },

    /** Object keys of every archive part the tenant's archives recorded, in archive order. */
    async archivePartKeys(tenantId: string): Promise<string[]> {
      assertTenant(tx, tenantId);
      const { rows } = await query<{ object_key: string }>('SELECT object_key FROM archive_parts WHERE tenant_id = $1 ORDER BY recorded_at, task_id, part_number', [tenantId]);
      return rows.map((row) => row.object_key);
    },

    async insertLeaves(tenantId: string, leaves: readonly NewLeaf[]): Promise<void> {
      assertTenant(tx, tenantId);
      if (leaves.length === 0) return;
      // Consecutive seqs from the first, and the hashes as one bytea cut in 32-byte slices: an
      // array of bytea parameters costs more to encode than the whole insert.
      const first = (leaves[0] as NewLeaf).seq;
      if (leaves.some((leaf, offset) => leaf.seq !== first + offset)) throw new RangeError('leaves are appended with consecutive seqs');
      await query(
        `INSERT INTO integrity_leaves (tenant_id, seq, log_id, leaf_hash, event_timestamp)
         SELECT $1, $2::bigint + l.n - 1, l.log_id, substring($4::bytea FROM ((l.n - 1) * 32 + 1)::int FOR 32), l.event_timestamp
           FROM unnest($3::uuid[], $5::timestamptz[]) WITH ORDINALITY AS l(log_id, event_timestamp, n)`,
        [tenantId, first, leaves.map((leaf) => leaf.logId), Buffer.concat(leaves.map((leaf) => leaf.leafHash)), leaves.map((leaf) => leaf.eventTimestamp)],
      );
    },

    async markSealed(tenantId: string, batches: readonly UnsealedBatch[]): Promise<void> {
      assertTenant(tx, tenantId);
      if (batches.length === 0) return;
      await query(
        `INSERT INTO integrity_sealed_tasks (tenant_id, task_id, task_created_at)
         SELECT $1, task_id, created_at FROM unnest($2::uuid[], $3::timestamptz[]) AS b(task_id, created_at)`,
        [tenantId, batches.map((batch) => batch.taskId), batches.map((batch) => batch.createdAt)],
      );
    },

    /**
     * Every stored hash in the given spans, in one round trip, by level then index: leaf hashes at
     * level 0 (index seq - 1), complete subtrees above. Each span is an index range scan.
     */
    async storedSpans(tenantId: string, spans: readonly StoredSpan[]): Promise<Map<number, Map<number, Buffer>>> {
      assertTenant(tx, tenantId);
      const levels = new Map<number, Map<number, Buffer>>();
      if (spans.length === 0) return levels;
      // One branch per span with its bounds as parameters: joined to an array of bounds, the planner
      // cannot see how few rows a span holds and scans the tenant's whole table instead.
      const params: unknown[] = [tenantId];
      const branches = spans.map(({ level, first, count }) => {
        params.push(first, first + count - 1, level);
        const [from, to, levelParam] = [`$${params.length - 2}::bigint`, `$${params.length - 1}::bigint`, `$${params.length}::smallint`];
        return level === 0
          ? `SELECT ${levelParam} AS level, seq - 1 AS idx, leaf_hash AS hash FROM integrity_leaves WHERE tenant_id = $1 AND seq BETWEEN ${from} + 1 AND ${to} + 1`
          : `SELECT level, idx, hash FROM integrity_subtrees WHERE tenant_id = $1 AND level = ${levelParam} AND idx BETWEEN ${from} AND ${to}`;
      });
      const { rows } = await query<{ level: number; idx: string; hash: Buffer }>(branches.join('\n UNION ALL '), params);
      for (const row of rows) {
        const level = levels.get(row.level) ?? new Map<number, Buffer>();
        level.set(Number(row.idx), row.hash);
        levels.set(row.level, level);
      }
      return levels;
    },

    async insertSubtrees(tenantId: string, subtrees: readonly { level: number; index: number; hash: Buffer }[]): Promise<void> {
      assertTenant(tx, tenantId);
      if (subtrees.length === 0) return;
      await query(
        `INSERT INTO integrity_subtrees (tenant_id, level, idx, hash)
         SELECT $1, level, idx, substring($4::bytea FROM ((s.n - 1) * 32 + 1)::int FOR 32)
           FROM unnest($2::smallint[], $3::bigint[]) WITH ORDINALITY AS s(level, idx, n)`,
        [tenantId, subtrees.map((subtree) => subtree.level), subtrees.map((subtree) => subtree.index), Buffer.concat(subtrees.map((subtree) => subtree.hash))],
      );
    },

    /** Leaves in seq order after `afterSeq`, a page at a time. */
    /** Leaves in seq order, each with the event_timestamp it was sealed with (null for leaves sealed before migration 205). */
    async leavesAfter(tenantId: string, afterSeq: number, limit: number): Promise<(StoredLeaf & { eventTimestamp: Date | null })[]> {
      assertTenant(tx, tenantId);
      const { rows } = await query<{ seq: string; log_id: string; leaf_hash: Buffer; event_timestamp: Date | null }>(
        'SELECT seq, log_id, leaf_hash, event_timestamp FROM integrity_leaves WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
        [tenantId, afterSeq, limit],
      );
      return rows.map((row) => ({ seq: Number(row.seq), logId: row.log_id, leafHash: row.leaf_hash, eventTimestamp: row.event_timestamp }));
    },

    /** The event's leaf, with the event_timestamp it was sealed with (null for leaves sealed before migration 205). */
    async leafOf(tenantId: string, logId: string): Promise<(StoredLeaf & { eventTimestamp: Date | null }) | undefined> {
      assertTenant(tx, tenantId);
      const { rows } = await query<{ seq: string; leaf_hash: Buffer; event_timestamp: Date | null }>(
        'SELECT seq, leaf_hash, event_timestamp FROM integrity_leaves WHERE tenant_id = $1 AND log_id = $2',
        [tenantId, logId],
      );
      const row = rows[0];
      return row && { seq: Number(row.seq), logId, leafHash: row.leaf_hash, eventTimestamp: row.event_timestamp };
    },

    /** The leaves of those of the given events that are sealed, by event id. */
    async leavesOf(tenantId: string, logIds: readonly string[]): Promise<Map<string, StoredLeaf>> {
      assertTenant(tx, tenantId);
      if (logIds.length === 0) return new Map();
      const { rows } = await query<{ log_id: string; seq: string; leaf_hash: Buffer }>(
        'SELECT log_id, seq, leaf_hash FROM integrity_leaves WHERE tenant_id = $1 AND log_id = ANY($2::uuid[])',
        [tenantId, logIds],
      );
      return new Map(rows.map((row) => [row.log_id, { seq: Number(row.seq), logId: row.log_id, leafHash: row.leaf_hash }]));
    },

    /** The event id of each of the given seqs that has a leaf. */
    async logIdsAt(tenantId: string, seqs: readonly number[]): Promise<Map<number, string>> {
      assertTenant(tx, tenantId);
      if (seqs.length === 0) return new Map();
      const { rows } = await query<{ seq: string; log_id: string }>('SELECT seq, log_id FROM integrity_leaves WHERE tenant_id = $1 AND seq = ANY($2::bigint[])', [tenantId, seqs]);
      return new Map(rows.map((row) => [Number(row.seq), row.log_id]));
    },
  };
}

export type IntegrityRepository = ReturnType<typeof integrityRepository>;
