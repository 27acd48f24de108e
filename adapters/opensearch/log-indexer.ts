import type { OpenSearchClient } from './opensearch-client';
import type { LogEvent } from '../../domain/log-event';
import { withoutPayload } from './bulk-request-error';
import { logIndexTemplate } from './log-index-template';
import { toLogDocument } from './log-document';

/** A document OpenSearch refused for its content: retrying cannot help. */
export class DocumentRejectedError extends Error {
  override readonly name = 'DocumentRejectedError';
}

interface BulkItem {
  index?: { _id?: string; status: number; error?: { type?: string; reason?: string } };
  delete?: { _id?: string; status: number; error?: { type?: string; reason?: string } };
}

function firstFailure(items: BulkItem[]) {
  for (const item of items) {
    const result = item.index ?? item.delete;
    if (result && result.status >= 300 && !(item.delete && result.status === 404)) return result;
  }
  return undefined;
}

export function createLogIndexer(client: OpenSearchClient, indexName: string) {
  return {
    async ensureTemplate(): Promise<void> {
      await client.indices.putIndexTemplate({ name: `${indexName}-template`, body: logIndexTemplate(indexName) as never });
      const exists = await client.indices.exists({ index: indexName });
      if (!exists.body) {
        await client.indices.create({ index: indexName }).catch((error: { meta?: { body?: { error?: { type?: string } } } }) => {
          if (error.meta?.body?.error?.type !== 'resource_already_exists_exception') throw error;
        });
      }
    },

    /** Indexes events with `_id` = log id and routing = tenant, so a retry overwrites instead of duplicating. */
    async indexEvents(tenantId: string, events: readonly LogEvent[]): Promise<number> {
      if (events.length === 0) return 0;
      const body = events.flatMap((event) => {
        if (event.tenant_id !== tenantId) throw new Error('event of another tenant passed to indexEvents');
        return [{ index: { _index: indexName, _id: event.id, routing: tenantId } }, toLogDocument(event)];
      });
      const response = await client.bulk({ body, refresh: false }).catch(withoutPayload);
      const failure = response.body.errors ? firstFailure(response.body.items as BulkItem[]) : undefined;
      if (failure) {
        const message = `OpenSearch rejected document ${failure._id}: ${failure.error?.type ?? failure.status} ${failure.error?.reason ?? ''}`.trim();
        if (failure.status === 400) throw new DocumentRejectedError(message);
        throw new Error(message);
      }
      return events.length;
    },

    async countForTenant(tenantId: string): Promise<number> {
      const response = await client.count({ index: indexName, routing: tenantId, body: { query: { term: { tenant_id: tenantId } } } });
      return response.body.count;
    },
  };
}

export type LogIndexer = ReturnType<typeof createLogIndexer>;
