import type { Pool } from 'pg';

/**
 * The seq of each given event that is sealed, in one round trip: migration 200's function scopes its
 * own statement to the tenant, so row-level security applies exactly as in a tenant transaction.
 */
export async function sealedSeqsOf(pool: Pool, tenantId: string, logIds: readonly string[]): Promise<Map<string, number>> {
  if (logIds.length === 0) return new Map();
  const { rows } = await pool.query<{ log_id: string; seq: number }>('SELECT log_id, seq FROM sealed_seqs_of($1, $2::uuid[])', [tenantId, logIds]);
  return new Map(rows.map((row) => [row.log_id, Number(row.seq)]));
}
