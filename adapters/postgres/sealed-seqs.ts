import type { Pool } from 'pg';
import { isUuid } from '../../domain/uuid-text';

/**
 * The seq of each given event that is sealed, in one round trip: migration 200's function scopes its
 * own statement to the tenant, so row-level security applies exactly as in a tenant transaction.
 * The ids come from search documents: one that is not a UUID (a document written behind the
 * service's back) has no seq and is not sent to PostgreSQL's uuid cast.
 */
export async function sealedSeqsOf(pool: Pool, tenantId: string, logIds: readonly string[]): Promise<Map<string, number>> {
  const ids = logIds.filter(isUuid);
  if (ids.length === 0) return new Map();
  const { rows } = await pool.query<{ log_id: string; seq: number }>('SELECT log_id, seq FROM sealed_seqs_of($1, $2::uuid[])', [tenantId, ids]);
  return new Map(rows.map((row) => [row.log_id, Number(row.seq)]));
}
