import type { LeanOpenSearchClient } from './lean-opensearch-client';
import { textQueryClause } from './text-query';

interface IdsBody {
  hits: { hits: { _id: string }[] };
}

/**
 * Answers "which of these events match `q`?" with the same text query as search, so an export
 * driven by PostgreSQL keeps search's meaning of `q`. At most `ids.length` ids come back.
 */
export function createTextMatcher(client: LeanOpenSearchClient, index: string) {
  return {
    /**
     * Runs the text query once, matching nothing, so a caller about to stream learns that OpenSearch
     * is down (or rejects `q`) before it has sent a status, rather than cutting a download short.
     */
    async check(tenantId: string, q: string): Promise<void> {
      await client.search({
        index,
        routing: tenantId,
        body: { size: 0, track_total_hits: false, query: { bool: { filter: [{ term: { tenant_id: tenantId } }, textQueryClause(q)] } } } as never,
      });
    },

    async matching(tenantId: string, q: string, ids: readonly string[]): Promise<Set<string>> {
      if (ids.length === 0) return new Set();
      const response = await client.search({
        index,
        routing: tenantId,
        body: {
          size: ids.length,
          _source: false,
          query: { bool: { filter: [{ term: { tenant_id: tenantId } }, { ids: { values: ids } }, textQueryClause(q)] } },
        } as never,
      });
      return new Set((response.body as unknown as IdsBody).hits.hits.map((hit) => hit._id));
    },
  };
}

export type TextMatcher = ReturnType<typeof createTextMatcher>;
