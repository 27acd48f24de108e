import type { ArchiveRow } from '../../domain/archive-row';
import type { LogFilter } from '../../domain/log-filter';
import { BulkRequestError, withoutPayload } from './bulk-request-error';
import { logIndexTemplate } from './log-index-template';
import { toLogDocument } from './log-document';
import type { LeanOpenSearchClient } from './lean-opensearch-client';
import { tenantFilterQuery, type OpenSearchQuery } from './filter-query';

/**
 * Restored copies live in an index of their own next to the live one. Retention (cleanup deletes by
 * id from the live index), reconcile (compares the live index with PostgreSQL) and reindexing never
 * name it, so a copy is never archived, deleted or "repaired" by them; only its restore's expiry or
 * deletion removes it.
 */
export const restoredIndexName = (index: string) => `${index}-restored`;

/** Fields of a copy that say which restore loaded it; never returned to callers. */
const BOOKKEEPING = ['restore_id', 'restore_expires_at'];

/** The live mapping, plus what a copy carries beyond a live document. */
export function restoredIndexTemplate(index: string) {
  const name = restoredIndexName(index);
  const template = logIndexTemplate(name);
  Object.assign(template.template.mappings.properties, {
    seq: { type: 'long' },
    restored: { type: 'boolean' },
    restore_id: { type: 'keyword' },
    restore_expires_at: { type: 'date' },
  });
  return template;
}

/**
 * Where a read of `filter` looks, and what it excludes from `_source`: the live index alone, or with
 * `include_restored` also the copies whose restore has not expired (hidden the instant it expires,
 * before the expiry run deletes them). The tenant clause applies to both indices alike.
 */
export function readTarget(index: string, tenantId: string, filter: LogFilter): { index: string | string[]; query: OpenSearchQuery; sourceExcludes: string[]; ignoreUnavailable: boolean } {
  const query = tenantFilterQuery(tenantId, filter);
  if (!filter.include_restored) return { index, query, sourceExcludes: ['metadata_text'], ignoreUnavailable: false };
  const bool = (query as { bool: Record<string, unknown> }).bool;
  return {
    index: [index, restoredIndexName(index)],
    query: { bool: { ...bool, must_not: [{ range: { restore_expires_at: { lte: 'now' } } }] } },
    sourceExcludes: ['metadata_text', ...BOOKKEEPING],
    // A deployment where nothing was ever restored has no copies index yet.
    ignoreUnavailable: true,
  };
}

/** A restored copy as reads return it: the archived event, its `seq`, and the mark. */
export type RestoredCopy = ArchiveRow & { restored: true };

/** Copies per page when streaming them out. */
const STREAM_PAGE = 1_000;

interface BulkItem {
  index?: { _id?: string; status: number; error?: { type?: string; reason?: string } };
}

/** A copy OpenSearch refuses for its content: the archived row cannot be stored as it is. */
export class RestoredCopyRejectedError extends Error {
  override readonly name = 'RestoredCopyRejectedError';
}

export function createRestoredCopies(client: LeanOpenSearchClient, index: string) {
  const name = restoredIndexName(index);
  return {
    async ensureIndex(): Promise<void> {
      await client.indices.putIndexTemplate({ name: `${name}-template`, body: restoredIndexTemplate(index) as never });
      const exists = await client.indices.exists({ index: name });
      if (exists.body) return;
      await client.indices.create({ index: name }).catch((error: { meta?: { body?: { error?: { type?: string } } } }) => {
        if (error.meta?.body?.error?.type !== 'resource_already_exists_exception') throw error;
      });
    },

    /**
     * Writes the copies of archived rows with `_id` = the event id, so loading a part again (a
     * resumed attempt) overwrites rather than duplicates. Every field is kept as archived.
     */
    async load(tenantId: string, copy: { restoreId: string; expiresAt: string }, rows: readonly ArchiveRow[]): Promise<number> {
      if (rows.length === 0) return 0;
      const body = rows.flatMap((row) => {
        if (row.tenant_id !== tenantId) throw new Error(`archived row ${row.id} belongs to another tenant`);
        const document = { ...toLogDocument(row), restored: true, restore_id: copy.restoreId, restore_expires_at: copy.expiresAt };
        return [{ index: { _index: name, _id: row.id, routing: tenantId } }, document];
      });
      const response = await client.bulk({ body, refresh: false }).catch(withoutPayload);
      if (!response.body.errors) return rows.length;
      for (const item of response.body.items as BulkItem[]) {
        const result = item.index;
        if (!result || result.status < 300) continue;
        const reason = `OpenSearch refused restored copy ${result._id}: ${result.error?.type ?? result.status} ${result.error?.reason ?? ''}`.trim();
        if (result.status >= 400 && result.status < 500 && result.status !== 429) throw new RestoredCopyRejectedError(reason);
        throw new BulkRequestError(reason, { transient: true });
      }
      return rows.length;
    },

    /** Deletes every copy a restore loaded (its copies only: a later restore that re-loaded an event owns that copy). */
    async remove(tenantId: string, restoreId: string): Promise<number> {
      const exists = await client.indices.exists({ index: name });
      if (!exists.body) return 0;
      const response = await client.deleteByQuery({
        index: name,
        routing: tenantId,
        refresh: true,
        conflicts: 'proceed',
        body: { query: { bool: { filter: [{ term: { tenant_id: tenantId } }, { term: { restore_id: restoreId } }] } } },
      } as never);
      return (response.body as { deleted?: number }).deleted ?? 0;
    },

    /**
     * The tenant's unexpired copies matching `filter`, in (event_timestamp, id) order, a page at a
     * time through `search_after` (for exports: flat memory at any count).
     */
    async *stream(tenantId: string, filter: LogFilter): AsyncGenerator<RestoredCopy> {
      const target = readTarget(index, tenantId, { ...filter, include_restored: true });
      let after: unknown[] | undefined;
      for (;;) {
        const response = await client.search({
          index: name,
          routing: tenantId,
          ignore_unavailable: true,
          body: {
            size: STREAM_PAGE,
            query: target.query,
            sort: [{ event_timestamp: { order: 'asc' } }, { id: { order: 'asc' } }],
            _source: { excludes: target.sourceExcludes },
            ...(after ? { search_after: after } : {}),
          } as never,
        });
        const hits = (response.body as unknown as { hits: { hits: { _source: RestoredCopy; sort: unknown[] }[] } }).hits.hits;
        for (const hit of hits) yield hit._source;
        if (hits.length < STREAM_PAGE) return;
        after = hits[hits.length - 1]?.sort;
      }
    },

    /** Makes loaded copies visible to searches now rather than at the next refresh. */
    async refresh(): Promise<void> {
      await client.indices.refresh({ index: name });
    },
  };
}

export type RestoredCopies = ReturnType<typeof createRestoredCopies>;
