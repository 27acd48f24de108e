import type { Pool } from 'pg';
import type { OpenSearchClient } from '../../../adapters/opensearch/opensearch-client';
import { copyInto } from './copy';
import { generateEvents } from './events';
import { toCopyText, toRows, toSearchDocument } from './rows';

export interface SeedDeps {
  ownerPool: Pool;
  opensearch: OpenSearchClient;
  index: string;
}

export interface SeedOptions {
  seed: number;
  /** Event timestamps are spread over this range. */
  startMs: number;
  endMs: number;
  /** Also write the search documents (as the indexer would), not only the rows. */
  search: boolean;
}

const BATCH = 5000;

/**
 * Puts `count` events of one tenant straight into PostgreSQL (COPY as the owner role) and
 * OpenSearch (`_bulk`), bypassing the service: scenarios that read need a corpus, quickly.
 */
export async function seedTenant(deps: SeedDeps, tenantId: string, count: number, options: SeedOptions): Promise<void> {
  const DAY = 86_400_000;
  for (let at = options.startMs; at < options.endMs + DAY * 31; at += DAY * 28) {
    await deps.ownerPool.query('SELECT ensure_log_partition($1)', [new Date(Math.min(at, options.endMs))]);
  }
  const client = await deps.ownerPool.connect();
  try {
    for (let start = 0; start < count; start += BATCH) {
      const size = Math.min(BATCH, count - start);
      const span = (options.endMs - options.startMs) / count;
      const events = generateEvents(options.seed + start, size, { startMs: options.startMs + span * start, endMs: options.startMs + span * (start + size) });
      const rows = toRows(events, 'bench-seed');
      const writes: Promise<unknown>[] = [copyInto(client, 'logs', toCopyText(tenantId, rows))];
      if (options.search) {
        const body = rows.flatMap((row) => [{ index: { _index: deps.index, _id: row.id, routing: tenantId } }, toSearchDocument(tenantId, row)]);
        writes.push(
          deps.opensearch.bulk({ body, refresh: false }).then((response) => {
            if (response.body.errors) throw new Error('seeding OpenSearch: some documents were rejected');
          }),
        );
      }
      await Promise.all(writes);
    }
  } finally {
    client.release();
  }
  if (options.search) await deps.opensearch.indices.refresh({ index: deps.index });
  // A corpus that stands for stored, older events looks as autovacuum leaves those (hint bits set,
  // pages all-visible): done here, not by an autovacuum worker that would run beside what is timed next.
  await deps.ownerPool.query('VACUUM (ANALYZE) logs');
}
