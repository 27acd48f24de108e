import type { TestSystem } from './system';
import { waitFor } from './wait-for';

export interface LeafRow {
  seq: number;
  log_id: string;
  leaf_hash: Buffer;
}

/** The tenant's leaves as the database holds them (owner role: what is there, not what the service says). */
export async function leavesOf(system: TestSystem, tenantId: string): Promise<LeafRow[]> {
  const { rows } = await system.ownerPool.query<{ seq: string; log_id: string; leaf_hash: Buffer }>(
    'SELECT seq, log_id, leaf_hash FROM integrity_leaves WHERE tenant_id = $1 ORDER BY seq',
    [tenantId],
  );
  return rows.map((row) => ({ seq: Number(row.seq), log_id: row.log_id, leaf_hash: row.leaf_hash }));
}

export async function logCount(system: TestSystem, tenantId: string): Promise<number> {
  const { rows } = await system.ownerPool.query<{ n: string }>('SELECT count(*) AS n FROM logs WHERE tenant_id = $1', [tenantId]);
  return Number(rows[0]?.n ?? 0);
}

/** Waits until every event of the tenant is sealed and a checkpoint covers them all; returns the tree size. */
export async function waitForSealed(system: TestSystem, tenantId: string, expected: number, timeoutMs = 60_000): Promise<number> {
  return waitFor(
    `${expected} sealed events and a checkpoint of them in tenant ${tenantId}`,
    async () => {
      const { rows } = await system.ownerPool.query<{ leaves: string; checkpoint: string | null }>(
        `SELECT (SELECT count(*) FROM integrity_leaves WHERE tenant_id = $1) AS leaves,
                (SELECT max(tree_size) FROM integrity_checkpoints WHERE tenant_id = $1) AS checkpoint`,
        [tenantId],
      );
      const row = rows[0];
      return row && Number(row.leaves) === expected && Number(row.checkpoint) === expected && expected;
    },
    { timeoutMs, intervalMs: 250 },
  );
}
