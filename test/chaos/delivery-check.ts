import type { Pool } from 'pg';
import type { OpenSearchClient } from '../../adapters/opensearch/opensearch-client';
import type { Acknowledgement } from './load-clients';

export interface StoreReaders {
  /** The owner role: sees every tenant's rows, as an auditor of the service must. */
  ownerPool: Pool;
  opensearch: OpenSearchClient;
  index: string;
  tenantIds: readonly string[];
}

interface Row {
  tenant_id: string;
  id: string;
  event_id: string | null;
}

interface Doc {
  id: string;
  tenant_id: unknown;
  event_id: unknown;
}

export interface DeliveryFigures {
  acknowledged: number;
  /** Rows of the load's client events (every client event carries an event_id). */
  committed: number;
  /** Rows of the old events seeded for retention (judged by retention-check.ts, not here) that are still stored. */
  retentionRows: number;
  /** Rows the service wrote on its own, without event_id: the tenant.created and token.issued audit events of the setup. */
  serviceEvents: number;
  indexed: number;
  /** Acknowledged event_ids without a row. */
  lost: string[];
  /** event_ids with more than one row (each listed once). */
  duplicated: string[];
  /** Acknowledged ids that differ from the committed row's id ("event_id → answered id ≠ row id"). */
  wrongId: string[];
  /** Rows whose event_id no client was acknowledged for. */
  unacknowledgedRows: string[];
  /** Row ids with no OpenSearch document. */
  unindexed: string[];
  /** OpenSearch document ids with no committed row. */
  orphans: string[];
  /** Documents whose tenant or event_id differ from their row's. */
  mismatchedDocs: string[];
  tasksByStatus: Record<string, number>;
  /** Tasks not `succeeded`: "task_id status: error". */
  unfinishedTasks: string[];
}

async function committedRows(readers: StoreReaders): Promise<Row[]> {
  const result = await readers.ownerPool.query<Row>('SELECT tenant_id, id, event_id FROM logs WHERE tenant_id = ANY($1::uuid[])', [readers.tenantIds]);
  return result.rows;
}

/** Every document of the tenants, read with a scroll (no 10,000-result window). */
async function indexedDocs(readers: StoreReaders): Promise<Doc[]> {
  const docs: Doc[] = [];
  const collect = (hits: { _id: string; _source?: Record<string, unknown> }[]) =>
    hits.forEach((hit) => docs.push({ id: hit._id, tenant_id: hit._source?.tenant_id, event_id: hit._source?.event_id }));
  let page = await readers.opensearch.search({
    index: readers.index,
    scroll: '1m',
    body: { size: 5000, sort: ['_doc'], _source: ['tenant_id', 'event_id'], query: { terms: { tenant_id: [...readers.tenantIds] } } },
  });
  let scrollId = page.body._scroll_id;
  try {
    while (page.body.hits.hits.length > 0) {
      collect(page.body.hits.hits as { _id: string; _source?: Record<string, unknown> }[]);
      page = await readers.opensearch.scroll({ body: { scroll_id: scrollId as string, scroll: '1m' } });
      scrollId = page.body._scroll_id;
    }
  } finally {
    if (scrollId) await readers.opensearch.clearScroll({ body: { scroll_id: scrollId } }).catch(() => undefined);
  }
  return docs;
}

/** The tenants' tasks of work, without sealer sessions (an idle session stays running until IDLE_SECONDS pass: open, not unfinished). */
async function tasks(readers: StoreReaders) {
  const result = await readers.ownerPool.query<{ task_id: string; status: string; error_msg: string | null }>(
    "SELECT task_id, status, error_msg FROM async_task WHERE tenant_id = ANY($1::uuid[]) AND task_type <> 'integrity_seal' ORDER BY created_at",
    [readers.tenantIds],
  );
  return result.rows;
}

/**
 * Compares what clients were told with PostgreSQL, and PostgreSQL with OpenSearch. Rows whose
 * event_id is in `setAside` (the old events retention may delete) are not the load's: they count
 * only as rows that must be indexed, like the service's own.
 */
export async function checkDelivery(readers: StoreReaders, acknowledged: ReadonlyMap<string, Acknowledgement>, setAside: ReadonlySet<string> = new Set()): Promise<DeliveryFigures> {
  await readers.opensearch.indices.refresh({ index: readers.index });
  const [rows, docs, taskRows] = await Promise.all([committedRows(readers), indexedDocs(readers), tasks(readers)]);

  const retentionRows = rows.filter((row) => row.event_id !== null && setAside.has(row.event_id));
  const clientRows = rows.filter((row) => row.event_id !== null && !setAside.has(row.event_id));
  const rowsByEventId = new Map<string, Row[]>();
  for (const row of clientRows) {
    const key = `${row.tenant_id}/${row.event_id}`;
    rowsByEventId.set(key, [...(rowsByEventId.get(key) ?? []), row]);
  }
  const lost: string[] = [];
  const wrongId: string[] = [];
  for (const [eventId, ack] of acknowledged) {
    const matching = rowsByEventId.get(`${ack.tenantId}/${eventId}`) ?? [];
    if (matching.length === 0) lost.push(eventId);
    else if (matching.length === 1 && matching[0]?.id !== ack.id) wrongId.push(`${eventId}: answered ${ack.id}, row ${matching[0]?.id}`);
  }
  const duplicated = [...rowsByEventId.entries()].filter(([, matching]) => matching.length > 1).map(([key, matching]) => `${key} ×${matching.length}`);
  const unacknowledgedRows = clientRows.filter((row) => acknowledged.get(row.event_id as string)?.tenantId !== row.tenant_id).map((row) => row.id);

  const rowById = new Map(rows.map((row) => [row.id, row]));
  const docById = new Map(docs.map((doc) => [doc.id, doc]));
  const unindexed = rows.filter((row) => !docById.has(row.id)).map((row) => row.id);
  const orphans = docs.filter((doc) => !rowById.has(doc.id)).map((doc) => doc.id);
  const mismatchedDocs = docs
    .filter((doc) => {
      const row = rowById.get(doc.id);
      return row !== undefined && (doc.tenant_id !== row.tenant_id || doc.event_id !== row.event_id);
    })
    .map((doc) => doc.id);

  const tasksByStatus: Record<string, number> = {};
  taskRows.forEach((task) => (tasksByStatus[task.status] = (tasksByStatus[task.status] ?? 0) + 1));
  const unfinishedTasks = taskRows.filter((task) => task.status !== 'succeeded').map((task) => `${task.task_id} ${task.status}${task.error_msg ? `: ${task.error_msg}` : ''}`);

  return {
    acknowledged: acknowledged.size,
    committed: clientRows.length,
    retentionRows: retentionRows.length,
    serviceEvents: rows.length - clientRows.length - retentionRows.length,
    indexed: docs.length,
    lost,
    duplicated,
    wrongId,
    unacknowledgedRows,
    unindexed,
    orphans,
    mismatchedDocs,
    tasksByStatus,
    unfinishedTasks,
  };
}

/** Throws naming the first offending ids of every broken guarantee, so a failure says what to look at. */
export function assertDelivered(figures: DeliveryFigures, expectedEvents: number): void {
  const first = (ids: string[]) => `${ids.length}${ids.length ? ` (first: ${ids.slice(0, 10).join(', ')})` : ''}`;
  const problems: string[] = [];
  if (figures.acknowledged !== expectedEvents) problems.push(`acknowledged ${figures.acknowledged} of ${expectedEvents} events sent`);
  if (figures.lost.length) problems.push(`lost: ${first(figures.lost)}`);
  if (figures.duplicated.length) problems.push(`duplicated: ${first(figures.duplicated)}`);
  if (figures.wrongId.length) problems.push(`acknowledged with another id than the row's: ${first(figures.wrongId)}`);
  if (figures.unacknowledgedRows.length) problems.push(`rows no client was acknowledged for: ${first(figures.unacknowledgedRows)}`);
  if (figures.committed !== expectedEvents) problems.push(`committed ${figures.committed} rows for ${expectedEvents} events`);
  if (figures.unindexed.length) problems.push(`committed but not indexed: ${first(figures.unindexed)}`);
  if (figures.orphans.length) problems.push(`documents without a committed row: ${first(figures.orphans)}`);
  if (figures.mismatchedDocs.length) problems.push(`documents whose tenant or event_id differ from the row: ${first(figures.mismatchedDocs)}`);
  if (figures.unfinishedTasks.length) problems.push(`tasks not succeeded: ${first(figures.unfinishedTasks)}`);
  if (problems.length) throw new Error(`delivery guarantees broken:\n  - ${problems.join('\n  - ')}`);
}
