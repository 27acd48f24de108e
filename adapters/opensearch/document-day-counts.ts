import type { DayTally } from '../../domain/day-tally';
import type { LeanOpenSearchClient } from './lean-opensearch-client';

export interface DocumentSpan {
  /** Inclusive, RFC 3339. */
  from?: string;
  /** Exclusive, RFC 3339. */
  to?: string;
}

const PAGE = 5000;

/**
 * One 24-bit piece of a document's `id`, as `DayTally` defines it. A document whose id is not a
 * 36-character hex id (no row can have it) adds -1: its day then differs from PostgreSQL's and is
 * compared id by id, which is what such a document needs.
 */
const ID_PIECE = `
  if (doc['id'].size() == 0) return -1;
  String id = doc['id'].value;
  if (id.length() != 36) return -1;
  try { return Integer.parseInt(id.substring(params.from, params.from + 6), 16); } catch (NumberFormatException e) { return -1; }
`;
const idPieceSum = (from: number) => ({ sum: { script: { lang: 'painless', source: ID_PIECE, params: { from } } } });

interface DayBucket {
  key: number;
  doc_count: number;
  low: { value: number };
  high: { value: number };
}

/**
 * The tenant's documents counted per UTC day, and the ids of one span, read on the tenant's shard
 * only (routing) and filtered by tenant_id. Restored copies (`restored: true`) are left out: they
 * have no row by design and are not reconciliation's to judge.
 */
export function createDocumentDayCounts(client: LeanOpenSearchClient, indexName: string) {
  function query(tenantId: string, span: DocumentSpan) {
    const range = { ...(span.from ? { gte: span.from } : {}), ...(span.to ? { lt: span.to } : {}) };
    return {
      bool: {
        filter: [{ term: { tenant_id: tenantId } }, ...(Object.keys(range).length > 0 ? [{ range: { event_timestamp: range } }] : [])],
        must_not: [{ term: { restored: true } }],
      },
    };
  }

  return {
    /** The tally of each UTC day's documents (key: the day's start in epoch milliseconds); days without documents are absent. */
    async perDay(tenantId: string, span: DocumentSpan): Promise<Map<number, DayTally>> {
      const response = await client.search({
        index: indexName,
        routing: tenantId,
        body: {
          size: 0,
          track_total_hits: false,
          query: query(tenantId, span),
          aggs: {
            days: {
              date_histogram: { field: 'event_timestamp', calendar_interval: 'day', min_doc_count: 1 },
              aggs: { low: idPieceSum(24), high: idPieceSum(30) },
            },
          },
        },
      });
      const buckets = (response.body.aggregations?.days as { buckets?: DayBucket[] } | undefined)?.buckets ?? [];
      return new Map(buckets.map((bucket) => [bucket.key, { count: bucket.doc_count, lowSum: bucket.low.value, highSum: bucket.high.value }]));
    },

    /** Every document id in the span (one day of one tenant: bounded by what a day holds). */
    async idsIn(tenantId: string, span: Required<DocumentSpan>): Promise<Set<string>> {
      const ids = new Set<string>();
      let response = await client.search({ index: indexName, routing: tenantId, scroll: '1m', size: PAGE, body: { query: query(tenantId, span), _source: false } });
      try {
        while (response.body.hits.hits.length > 0) {
          for (const hit of response.body.hits.hits) ids.add(hit._id as string);
          response = await client.scroll({ scroll_id: response.body._scroll_id as string, scroll: '1m' });
        }
      } finally {
        if (response.body._scroll_id) await client.clearScroll({ scroll_id: response.body._scroll_id as string }).catch(() => undefined);
      }
      return ids;
    },
  };
}

export type DocumentDayCounts = ReturnType<typeof createDocumentDayCounts>;
