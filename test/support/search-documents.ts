import type { TestSystem } from './system';

/**
 * Every document id of a tenant in the index, read straight from OpenSearch after a refresh (the
 * tenant's routing and a tenant_id term, as the service itself would scope it).
 */
export async function documentIds(system: TestSystem, tenantId: string): Promise<Set<string>> {
  const index = system.config.opensearch.index;
  await system.opensearch.indices.refresh({ index });
  const ids = new Set<string>();
  let response = await system.opensearch.search({
    index,
    routing: tenantId,
    scroll: '1m',
    size: 5000,
    body: { query: { term: { tenant_id: tenantId } }, _source: false },
  });
  while (response.body.hits.hits.length > 0) {
    for (const hit of response.body.hits.hits) ids.add(hit._id as string);
    response = await system.opensearch.scroll({ scroll_id: response.body._scroll_id as string, scroll: '1m' });
  }
  await system.opensearch.clearScroll({ scroll_id: response.body._scroll_id as string });
  return ids;
}
