import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { createIngestService, type IngestDeps } from '../../features/ingest/ingest-service';
import { toNewLogRow } from '../../features/ingest/normalize-event';
import type { Logger } from '../../platform/observability/logger';

const noPartition = () => Object.assign(new Error('no partition of relation "logs" found for row'), { code: '23514' });

/**
 * A stand-in for the pool that refuses the first `refusals` inserts into `logs` the way PostgreSQL
 * does when no partition covers a row, and records every statement. The SQL itself is covered by
 * the integration tests (log-partition-fallback, partition-flood); this checks the control flow.
 */
function fakePool(refusals: number, error = noPartition) {
  const statements: string[] = [];
  let refused = 0;
  // Statements come as text or, when prepared (named), as a query config.
  const query = async (statement: string | { text: string }) => {
    const sql = typeof statement === 'string' ? statement : statement.text;
    statements.push(sql.trim().split(/\s+/).slice(0, 3).join(' '));
    if (sql.includes('INSERT INTO logs') && refused < refusals) {
      refused += 1;
      throw error();
    }
    // Each test writes one event: an insert that goes through inserts one row.
    return { rows: sql.includes('ensure_recent_log_partitions') ? [{ created: 1 }] : [], rowCount: sql.includes('INSERT INTO logs') ? 1 : 0 };
  };
  const pool = { query, connect: async () => ({ query, release: () => undefined }) } as unknown as Pool;
  return { pool, statements };
}

const silent = { warn: () => undefined, error: () => undefined, info: () => undefined, debug: () => undefined } as unknown as Logger;
type Publishers = Pick<IngestDeps, 'outbox' | 'livePublisher'>;
const publishers = { outbox: { publishCommitted: async () => undefined, commit: async () => undefined }, livePublisher: { publish: async () => undefined, publishSerialized: async () => undefined } } as unknown as Publishers;

describe('ingest when no partition covers an event', () => {
  const rows = [toNewLogRow({ action: 'a', severity: 'INFO' }, 'svc', new Date())];

  it('creates the recent months once and writes the events on a second attempt', async () => {
    const { pool, statements } = fakePool(1);
    const result = await createIngestService({ pool, logger: silent, ...publishers }).ingest(randomUUID(), 'svc', rows);
    expect(result.events.map((e) => e.id)).to.deep.equal(rows.map((r) => r.id));
    expect(statements.filter((s) => s.includes('ensure_recent_log_partitions'))).to.have.length(1);
    expect(statements.filter((s) => s.startsWith('INSERT INTO logs'))).to.have.length(2);
    expect(statements.filter((s) => s.startsWith('COMMIT'))).to.have.length(1);
  });

  it('tries only once more: a row still without a partition fails the request', async () => {
    const { pool, statements } = fakePool(2);
    const failed = await createIngestService({ pool, logger: silent, ...publishers }).ingest(randomUUID(), 'svc', rows).then(() => undefined, (e: Error) => e);
    expect(failed?.message).to.match(/^no partition of relation "logs"/);
    expect(statements.filter((s) => s.includes('ensure_recent_log_partitions'))).to.have.length(1);
  });

  it('creates nothing for any other error', async () => {
    const { pool, statements } = fakePool(1, () => Object.assign(new Error('deadlock detected'), { code: '40P01' }));
    const failed = await createIngestService({ pool, logger: silent, ...publishers }).ingest(randomUUID(), 'svc', rows).then(() => undefined, (e: Error) => e);
    expect(failed?.message).to.equal('deadlock detected');
    expect(statements.filter((s) => s.includes('ensure_recent_log_partitions'))).to.deep.equal([]);
  });
});
