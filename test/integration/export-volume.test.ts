import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Pool } from 'pg';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import { ndjsonCopyStatement } from '../../features/export/export-rows';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import { seedLogs } from '../support/seed-logs';
import { testSystem, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';
import { freePort } from '../support/api-process';
import { productionNodeFlags } from '../support/production-node-flags';

const ROWS = 200_000;
const MAX_GROWTH_BYTES = 64 * 1024 * 1024;
const SAMPLE_EVERY_MS = 20;
const WARM_UP_ROWS = 1_000;

const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) * 1024;

/**
 * 200,000 events exported through the API running as its own process (the real entry point), whose
 * resident memory is sampled from /proc while the download streams: the growth over the level
 * before the export must stay under 64 MB, however many rows match.
 */
describe('GET /logs/export at volume: the API process keeps flat memory', function () {
  this.timeout(600_000);
  let system: TestSystem;
  let api: ChildProcess;
  let url: string;
  let tenantId: string;
  let auditor: string;
  let stderr = '';

  /** Downloads an export without keeping it, counting rows, while sampling the API's RSS. */
  async function measuredExport(format: 'ndjson' | 'csv') {
    const pid = api.pid as number;
    const baseline = rssOf(pid);
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), SAMPLE_EVERY_MS);
    let newlines = 0;
    try {
      // The seeded events' action: each of the auditor's exports is itself recorded as an audit_log.viewed event.
      const response = await fetch(`${url}/api/v1/logs/export?format=${format}&action=user.login`, { headers: { authorization: `Bearer ${auditor}` } });
      expect(response.status).to.equal(200);
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        for (const byte of chunk) if (byte === 10) newlines += 1;
      }
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, rssOf(pid));
    return { newlines, baselineMb: baseline / 2 ** 20, growthMb: (peak - baseline) / 2 ** 20, growth: peak - baseline };
  }

  before(async () => {
    system = await testSystem();
    tenantId = await createTenant(system);
    auditor = tokenFor(system, 'auditor', tenantId);
    const metadata = { request: { path: '/api/v1/invoices', method: 'POST' }, tags: ['billing', 'export'] };
    const events = Array.from({ length: ROWS }, (_, i) => validEvent({ message: `event ${i} of the volume export`, metadata, user_id: i < WARM_UP_ROWS ? 'warm-up' : 'alice' }));
    await seedLogs(system, tenantId, events, { index: false });

    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    api = spawn(process.execPath, [...productionNodeFlags('api'), '--import', 'tsx', path.join(__dirname, '../../api/server.ts')], {
      env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    api.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    await waitFor('the API process to listen', async () => (await fetch(`${url}/healthz`)).status === 200, { timeoutMs: 60_000, intervalMs: 250 });
    // Warm up on a small slice: load and compile every code path of both formats before any baseline.
    for (const format of ['ndjson', 'csv']) {
      const warm = await fetch(`${url}/api/v1/logs/export?format=${format}&user_id=warm-up`, { headers: { authorization: `Bearer ${auditor}` } });
      expect((await warm.text()).split('\n').length).to.be.greaterThan(WARM_UP_ROWS);
    }
  });

  after(async () => {
    if (api?.exitCode === null) {
      const exited = new Promise((resolve) => api.once('exit', resolve));
      api.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
      if (api.exitCode === null) api.kill('SIGKILL');
    }
    // Leave the shared sandbox database as small as it was.
    if (tenantId) await withTenantTx(system.appPool, tenantId, (tx) => tx.client.query('DELETE FROM logs WHERE tenant_id = $1', [tenantId]));
  });

  it("plans an export without JIT compilation on the service's connections, at any cost (a bare connection compiles it)", async () => {
    const statement = ndjsonCopyStatement(tenantId, { action: 'user.login' }) as string;
    const select = /^COPY \((.*)\) TO STDOUT/s.exec(statement)?.[1] as string;
    // Every plan's cost passes the JIT threshold here, whatever the table's statistics say.
    const planOf = (pool: Pool) =>
      withTenantTx(pool, tenantId, async (tx) => {
        await tx.client.query('SET LOCAL jit_above_cost = 0');
        const { rows } = await tx.client.query<{ 'QUERY PLAN': Record<string, unknown>[] }>(`EXPLAIN (FORMAT JSON) ${select}`);
        return rows[0]?.['QUERY PLAN'][0] as Record<string, unknown>;
      });
    const bare = new Pool({ connectionString: system.config.postgres.url, max: 1 });
    try {
      expect(await planOf(bare), 'the same role without the service options plans JIT for this export').to.have.property('JIT');
    } finally {
      await bare.end();
    }
    expect(await planOf(system.appPool)).to.not.have.property('JIT');
  });

  for (const format of ['ndjson', 'csv'] as const) {
    it(`streams ${ROWS} events as ${format} with the API's RSS growing by less than 64 MB`, async () => {
      const result = await measuredExport(format);
      console.log(`      ${format}: ${result.newlines} lines, RSS baseline ${result.baselineMb.toFixed(1)} MB, peak growth ${result.growthMb.toFixed(1)} MB`);
      expect(result.newlines, stderr).to.equal(format === 'csv' ? ROWS + 1 : ROWS);
      expect(result.growth).to.be.lessThan(MAX_GROWTH_BYTES);
    });
  }
});
