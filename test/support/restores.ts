import type { TestSystem } from './system';

/** The index restored copies live in, named independently of the service's code. */
export const restoredIndexOf = (system: TestSystem) => `${system.config.opensearch.index}-restored`;

export type Document = Record<string, unknown>;

/** Every copy a restore loaded, read straight from the index (refreshed first), keyed by id. */
export async function copiesOf(system: TestSystem, tenantId: string, restoreId: string): Promise<Map<string, Document>> {
  const index = restoredIndexOf(system);
  await system.opensearch.indices.refresh({ index });
  const copies = new Map<string, Document>();
  let after: unknown[] | undefined;
  for (;;) {
    const response = await system.opensearch.search({
      index,
      routing: tenantId,
      body: {
        size: 5_000,
        query: { bool: { filter: [{ term: { tenant_id: tenantId } }, { term: { restore_id: restoreId } }] } },
        sort: [{ id: 'asc' }],
        ...(after ? { search_after: after } : {}),
      } as never,
    });
    const hits = (response.body as unknown as { hits: { hits: { _id: string; _source: Document; sort: unknown[] }[] } }).hits.hits;
    for (const hit of hits) {
      if (copies.has(hit._id)) throw new Error(`copy ${hit._id} returned twice`);
      copies.set(hit._id, hit._source);
    }
    if (hits.length < 5_000) return copies;
    after = hits[hits.length - 1]?.sort;
  }
}

/** How many copies of any restore of the tenant the index holds. */
export async function countCopies(system: TestSystem, tenantId: string, extra: Record<string, unknown>[] = []): Promise<number> {
  const index = restoredIndexOf(system);
  await system.opensearch.indices.refresh({ index });
  const response = await system.opensearch.count({ index, routing: tenantId, body: { query: { bool: { filter: [{ term: { tenant_id: tenantId } }, ...extra] } } } });
  return response.body.count;
}

/** The tenant's events as the API shows them, read from PostgreSQL (the originals, before cleanup). */
export async function originalEvents(system: TestSystem, tenantId: string): Promise<Map<string, Document>> {
  const iso = (column: string) => `to_char(l.${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  const result = await system.ownerPool.query(
    `SELECT l.id::text, l.tenant_id::text, ${iso('received_at')} AS received_at, l.action, l.severity, l.user_id, l.session_id, l.resource,
            l.resource_id, l.message, host(l.ip_address) AS ip_address, l.user_agent, l.before_state, l.after_state, l.metadata,
            ${iso('event_timestamp')} AS event_timestamp, l.event_id,
            (SELECT i.seq FROM integrity_leaves i WHERE i.tenant_id = l.tenant_id AND i.log_id = l.id) AS seq
       FROM logs l WHERE l.tenant_id = $1`,
    [tenantId],
  );
  return new Map(result.rows.map((row: Document) => [row.id as string, { ...row, seq: row.seq === null ? null : Number(row.seq) }]));
}
