import { expect } from 'chai';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import { seedLogs } from '../support/seed-logs';
import { testSystem, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

const ROWS = 40_000;

/**
 * Sessions of the API's pool that are inside an export (a cursor, or a COPY: pg_stat_activity keeps
 * only the first 1 KB of a statement, and the CSV COPY's is longer): streaming, or waiting for the
 * client to read.
 */
async function exportSessions(system: TestSystem): Promise<number> {
  const result = await system.appPool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND application_name = 'audit-api'
        AND state <> 'idle' AND (query LIKE 'COPY (SELECT %' OR query LIKE '%FROM logs WHERE tenant_id%ORDER BY event_timestamp, id%')`,
  );
  return result.rows[0]?.n ?? 0;
}

describe('GET /logs/export: a client that goes away stops the export', function () {
  this.timeout(180_000);
  let system: TestSystem;
  let tenantId: string;
  let auditor: string;

  /** Starts an export and reads only its first chunk, as a client that stalls or is about to leave. */
  async function startExport(abort: AbortController, format: 'csv' | 'ndjson' = 'csv') {
    const response = await fetch(`${system.api.url}/api/v1/logs/export?format=${format}`, { headers: { authorization: `Bearer ${auditor}` }, signal: abort.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    return { response, first };
  }

  before(async () => {
    system = await testSystem();
    tenantId = await createTenant(system);
    auditor = tokenFor(system, 'auditor', tenantId);
    await seedLogs(system, tenantId, Array.from({ length: ROWS }, () => validEvent({ message: 'x'.repeat(200) })), { index: false });
  });

  it('holds its cursor while the client does not read, and closes it and releases the connection when the client disconnects', async () => {
    const abort = new AbortController();
    const { response, first } = await startExport(abort);
    expect(response.status).to.equal(200);
    expect(first.done).to.equal(false);
    await waitFor('the stalled export to hold its cursor', async () => (await exportSessions(system)) === 1);
    abort.abort();
    await waitFor('the export to end its transaction', async () => (await exportSessions(system)) === 0, { timeoutMs: 10_000 });
    const after = await system.api.http.get('/api/v1/logs/export?user_id=nobody', { token: auditor });
    expect(after.status, 'the API still serves exports').to.equal(200);
  });

  it('drops the connection of a plain NDJSON export (one COPY) when the client disconnects mid-COPY, and the pool serves every export after it', async () => {
    const abort = new AbortController();
    const { response, first } = await startExport(abort, 'ndjson');
    expect(response.status).to.equal(200);
    expect(first.done).to.equal(false);
    await waitFor('the stalled export to hold its COPY', async () => (await exportSessions(system)) === 1);
    abort.abort();
    await waitFor('the COPY to end with its connection', async () => (await exportSessions(system)) === 0, { timeoutMs: 10_000 });
    // More exports than the pool has connections, one after another: none lands on a connection left mid-COPY.
    for (let round = 0; round < 6; round += 1) {
      const after = await system.api.http.get('/api/v1/logs/export?format=ndjson&user_id=nobody', { token: auditor });
      expect(after.status, `export ${round} after the disconnect`).to.equal(200);
      expect(after.text).to.equal('');
    }
    const whole = await fetch(`${system.api.url}/api/v1/logs/export?format=ndjson&end_time=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, { headers: { authorization: `Bearer ${auditor}` } });
    const lines = (await whole.text()).split('\n').filter(Boolean);
    expect(lines.length, 'a whole export after it').to.be.at.least(ROWS);
  });

  it('refuses more concurrent exports than it has connections for, with 503, and recovers when they end', async () => {
    const aborts = Array.from({ length: 4 }, () => new AbortController());
    try {
      await Promise.all(aborts.map((abort) => startExport(abort)));
      await waitFor('four stalled exports', async () => (await exportSessions(system)) === 4);
      const refused = await system.api.http.get('/api/v1/logs/export', { token: auditor });
      expect(refused.status).to.equal(503);
      expect(refused.headers.get('retry-after')).to.equal('5');
    } finally {
      aborts.forEach((abort) => abort.abort());
    }
    await waitFor('the exports to end', async () => (await exportSessions(system)) === 0, { timeoutMs: 10_000 });
    await waitFor('export capacity to return', async () => (await system.api.http.get('/api/v1/logs/export?user_id=nobody', { token: auditor })).status === 200);
  });
});
