import type { LeanOpenSearchClient } from './lean-opensearch-client';
import { withoutPayload } from './bulk-request-error';

interface BulkDeleteItem {
  delete?: { _id?: string; status: number; result?: string; error?: { type?: string; reason?: string } };
}

export interface DocumentDeletion {
  deleted: number;
  /** Ids with no document: never indexed, or deleted by an earlier attempt. */
  absent: number;
}

/** Removes log documents by id with the tenant's routing, so only that tenant's shard is touched. */
export function createLogDeleter(client: LeanOpenSearchClient, indexName: string) {
  return {
    async deleteDocuments(tenantId: string, ids: readonly string[]): Promise<DocumentDeletion> {
      if (ids.length === 0) return { deleted: 0, absent: 0 };
      const body = ids.map((id) => ({ delete: { _index: indexName, _id: id, routing: tenantId } }));
      const response = await client.bulk({ body, refresh: false }).catch(withoutPayload);
      let deleted = 0;
      let absent = 0;
      for (const item of response.body.items as BulkDeleteItem[]) {
        const result = item.delete;
        if (result?.status === 404) absent += 1;
        else if (result && result.status < 300) deleted += 1;
        else throw new Error(`OpenSearch could not delete document ${result?._id}: ${result?.error?.type ?? result?.status} ${result?.error?.reason ?? ''}`.trim());
      }
      return { deleted, absent };
    },
  };
}

export type LogDeleter = ReturnType<typeof createLogDeleter>;
