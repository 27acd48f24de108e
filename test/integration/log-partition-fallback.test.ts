import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { ensureRecentLogPartitions, isMissingLogPartition, listLogPartitions } from '../../adapters/postgres/log-partitions';
import { testSystem, type TestSystem } from '../support/system';

describe('ingest fallback when partition maintenance has fallen behind', function () {
  this.timeout(60_000);
  let system: TestSystem;

  before(async () => {
    system = await testSystem();
  });

  it('recognises a row without a partition, then creates only the previous, current and next month', async () => {
    const now = new Date();
    const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
    const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 1));
    const insert = `INSERT INTO logs (id, tenant_id, received_at, action, severity, user_id, event_timestamp) VALUES ($1, $2, now(), 'a', 'INFO', 'u', $3)`;
    const client = await system.ownerPool.connect();
    try {
      // Everything below is rolled back: the recent months' partitions are set aside as if maintenance had never made them.
      await client.query('BEGIN');
      const recent = (await listLogPartitions(client)).filter((partition) => partition.from < to && partition.to > from);
      expect(recent.length).to.be.at.least(3);
      for (const { name } of recent) {
        await client.query(`ALTER TABLE logs DETACH PARTITION "${name}"`);
        await client.query(`ALTER TABLE "${name}" RENAME TO "${name}_set_aside"`);
      }
      await client.query('SAVEPOINT before_insert');
      const refused = await client.query(insert, [randomUUID(), randomUUID(), now]).then(() => undefined, (error: unknown) => error);
      expect(isMissingLogPartition(refused), String(refused)).to.equal(true);
      await client.query('ROLLBACK TO SAVEPOINT before_insert');

      expect(await ensureRecentLogPartitions(client)).to.equal(3);
      expect(await ensureRecentLogPartitions(client)).to.equal(0);
      const created = (await listLogPartitions(client)).filter((partition) => partition.from < to && partition.to > from);
      expect(created.map((partition) => [partition.from.toISOString(), partition.to.toISOString()])).to.deep.equal(
        [0, 1, 2].map((m) => [new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + m, 1)).toISOString(), new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + m + 1, 1)).toISOString()]),
      );
      await client.query(insert, [randomUUID(), randomUUID(), now]);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});
