import type { BenchContext } from './context';

/** Rows of these tenants in PostgreSQL, counted as the owner: what the anchors and the service really stored. */
export async function storedRows(ctx: Pick<BenchContext, 'ownerPool'>, tenantIds: readonly string[]): Promise<number> {
  const result = await ctx.ownerPool.query<{ n: string }>('SELECT count(*) AS n FROM logs WHERE tenant_id = ANY($1::uuid[])', [tenantIds]);
  return Number(result.rows[0]?.n ?? 0);
}
