import { performance } from 'node:perf_hooks';
import type { OpenSearchClient } from '../../../adapters/opensearch/opensearch-client';

/** How many of the tenant's documents search can see now. */
export async function searchableCount(client: OpenSearchClient, index: string, tenantId: string): Promise<number> {
  const response = await client.count({ index, routing: tenantId, body: { query: { term: { tenant_id: tenantId } } } });
  return response.body.count;
}

/** Polls until search sees `expected` documents of the tenant or `timeoutMs` passes; returns what it saw and when. */
export async function waitUntilSearchable(client: OpenSearchClient, index: string, tenantId: string, expected: number, timeoutMs: number) {
  const deadline = performance.now() + timeoutMs;
  let seen = 0;
  while (performance.now() < deadline) {
    seen = await searchableCount(client, index, tenantId);
    if (seen >= expected) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { seen, at: performance.now() };
}
