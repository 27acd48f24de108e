import type { LeanOpenSearchClient } from './lean-opensearch-client';
import type { LogEvent } from '../../domain/log-event';
import { BulkRequestError, withoutPayload } from './bulk-request-error';
import { logIndexTemplate } from './log-index-template';
import { toLogDocument } from './log-document';

/** A document OpenSearch refused for its content: retrying cannot help. */
export class DocumentRejectedError extends Error {
  override readonly name = 'DocumentRejectedError';
}

interface BulkItemResult {
  _id?: string;
  status: number;
  error?: { type?: string; reason?: string };
}

interface BulkItem {
  index?: BulkItemResult;
  delete?: BulkItemResult;
}

/** What one `_bulk` request did: the documents written, and those refused for their content (log id → OpenSearch's reason). */
export interface IndexOutcome {
  indexed: number;
  rejected: Map<string, string>;
}

const describe = (item: BulkItemResult) => `OpenSearch rejected document ${item._id}: ${item.error?.type ?? item.status} ${item.error?.reason ?? ''}`.trim();

/**
 * A 4xx item (a mapping conflict, an unparsable value) is that document's own fault and is reported
 * per document, so the other documents of the request still count as written; any other failed item
 * (429, 5xx: a shard that is busy or recovering) fails the whole request as retryable.
 */
function sortItems(items: readonly BulkItem[]): IndexOutcome {
  const rejected = new Map<string, string>();
  let indexed = 0;
  for (const item of items) {
    const result = item.index;
    if (!result) continue;
    if (result.status < 300) indexed += 1;
    else if (result.status >= 400 && result.status < 500 && result.status !== 429) rejected.set(result._id ?? '', describe(result));
    else throw new BulkRequestError(describe(result), { transient: true });
  }
  return { indexed, rejected };
}

export function createLogIndexer(client: LeanOpenSearchClient, indexName: string) {
  /**
   * Indexes events with `_id` = log id and routing = tenant, so a retry overwrites instead of
   * duplicating. Documents OpenSearch refuses for their content come back in `rejected`; the
   * others are written.
   */
  async function indexEvents(tenantId: string, events: readonly LogEvent[]): Promise<IndexOutcome> {
    if (events.length === 0) return { indexed: 0, rejected: new Map() };
    const body = events.flatMap((event) => {
      if (event.tenant_id !== tenantId) throw new Error('event of another tenant passed to indexEvents');
      return [{ index: { _index: indexName, _id: event.id, routing: tenantId } }, toLogDocument(event)];
    });
    const response = await client.bulk({ body, refresh: false }).catch(withoutPayload);
    if (!response.body.errors) return { indexed: events.length, rejected: new Map() };
    return sortItems(response.body.items as BulkItem[]);
  }

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

    indexEvents,

    /** indexEvents for callers that own every document (a tenant rebuild, seeding): any refused document fails the call. */
    async indexAll(tenantId: string, events: readonly LogEvent[]): Promise<number> {
      const { indexed, rejected } = await indexEvents(tenantId, events);
      const [first] = rejected.values();
      if (first !== undefined) throw new DocumentRejectedError(rejected.size > 1 ? `${first} (and ${rejected.size - 1} more)` : first);
      return indexed;
    },

    async countForTenant(tenantId: string): Promise<number> {
      const response = await client.count({ index: indexName, routing: tenantId, body: { query: { term: { tenant_id: tenantId } } } });
      return response.body.count;
    },
  };
}

export type LogIndexer = ReturnType<typeof createLogIndexer>;
