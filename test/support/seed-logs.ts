import { logsRepository } from '../../adapters/postgres/logs-repository';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import type { LogEvent, LogEventInput } from '../../domain/log-event';
import { toNewLogRow } from '../../features/ingest/normalize-event';
import type { NewLogRow } from '../../domain/log-event';
import { createLogIndexer } from '../../adapters/opensearch/log-indexer';
import type { TestSystem } from './system';

const INSERT_BATCH = 5_000;
const INDEX_BATCH = 2_500;

function toLogEvent(tenantId: string, row: NewLogRow): LogEvent {
  const { content_sha256: _hash, ...fields } = row;
  return { ...fields, tenant_id: tenantId, received_at: row.received_at.toISOString(), event_timestamp: row.event_timestamp.toISOString() };
}

/**
 * Writes many events fast: normalised exactly as ingest does, inserted in bulk through the logs
 * repository (row-level security applies) and, unless `index` is false, indexed with the indexer
 * the pipeline uses and made visible to search. No tasks are created, so no workflow runs. Events
 * must lie within the event horizon: provisioning has created its partitions.
 */
export async function seedLogs(
  system: TestSystem,
  tenantId: string,
  inputs: readonly Record<string, unknown>[],
  { index = true, actor = 'seed' }: { index?: boolean; actor?: string } = {},
): Promise<LogEvent[]> {
  const receivedAt = new Date();
  const rows = inputs.map((input) => toNewLogRow(input as LogEventInput, actor, receivedAt));
  for (let start = 0; start < rows.length; start += INSERT_BATCH) {
    const batch = rows.slice(start, start + INSERT_BATCH);
    await withTenantTx(system.appPool, tenantId, (tx) => logsRepository(tx).insertMany(tenantId, batch));
  }
  const events = rows.map((row) => toLogEvent(tenantId, row));
  if (index) {
    const indexer = createLogIndexer(system.opensearch, system.config.opensearch.index);
    for (let start = 0; start < events.length; start += INDEX_BATCH) await indexer.indexAll(tenantId, events.slice(start, start + INDEX_BATCH));
    await system.opensearch.indices.refresh({ index: system.config.opensearch.index });
  }
  return events;
}
