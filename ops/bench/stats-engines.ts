/**
 * Which engine should answer GET /logs/stats? Seeds one tenant with N events over 30 days into
 * PostgreSQL and OpenSearch, then times the same statistics on both (after warm-up runs).
 *
 *   SERVICE_SANDBOX=searchbench bash ops/stack/with-env.sh test npx tsx ops/scripts/provision.ts
 *   SERVICE_SANDBOX=searchbench bash ops/stack/with-env.sh test npx tsx ops/bench/stats-engines.ts [events] [tenant-id-to-reuse]
 *
 * Results and the decision: ops/bench/results/stats-engines.md.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createOpenSearchClient } from '../../adapters/opensearch/opensearch-client';
import { createPgPool } from '../../adapters/postgres/postgres-client';
import { loadConfig } from '../../platform/config/config';
import { tenantsRepository } from '../../adapters/postgres/tenants-repository';
import { createLogIndexer } from '../../adapters/opensearch/log-indexer';
import { createLogStats, type StatsGroupField, type StatsRequest } from '../../adapters/opensearch/log-stats';
import type { StatsInterval } from '../../adapters/opensearch/stats-buckets';
import { postgresStats } from './stats-postgres';
import { seedEvents } from './stats-seed';

const DAY = 86_400_000;
const WARMUP = 3;
const RUNS = 15;

interface Scenario {
  name: string;
  spanMs: number;
  interval: StatsInterval;
  groupBy: StatsGroupField;
  extra?: StatsRequest['filter'] extends infer F ? Partial<F> : never;
}

const SCENARIOS: Scenario[] = [
  { name: '24h by hour, severity', spanMs: DAY, interval: 'hour', groupBy: 'severity' },
  { name: '24h by minute, action, action filter', spanMs: DAY, interval: 'minute', groupBy: 'action', extra: { action: 'action.3' } },
  { name: '7d by hour, action', spanMs: 7 * DAY, interval: 'hour', groupBy: 'action' },
  { name: '30d by day, user_id', spanMs: 30 * DAY, interval: 'day', groupBy: 'user_id' },
  { name: '30d by day, severity, ERROR+CRITICAL', spanMs: 30 * DAY, interval: 'day', groupBy: 'severity', extra: { severity: ['ERROR', 'CRITICAL'] } },
];

async function time(run: () => Promise<unknown>): Promise<{ median: number; p95: number }> {
  for (let i = 0; i < WARMUP; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] as number;
  return { median: at(0.5), p95: at(0.95) };
}

async function main() {
  const config = loadConfig();
  const events = Number(process.argv[2] ?? 300_000);
  const pool = createPgPool(config.postgres.url, 4, 'bench-stats');
  const opensearch = createOpenSearchClient(config.opensearch.url);
  const indexer = createLogIndexer(opensearch, config.opensearch.index);
  const stats = createLogStats(opensearch, config.opensearch.index);
  const now = Date.now();
  try {
    let tenantId = process.argv[3];
    if (!tenantId) {
      tenantId = (await tenantsRepository(pool).create({ id: randomUUID(), name: `bench-${randomUUID()}` })).id;
      console.log(`seeding ${events} events for tenant ${tenantId}`);
      await seedEvents(pool, indexer, tenantId, events, 30 * DAY, now);
      await opensearch.indices.refresh({ index: config.opensearch.index });
      await pool.query('ANALYZE logs');
    }
    console.log(`| scenario | PostgreSQL median / p95 ms | OpenSearch median / p95 ms | total |`);
    console.log(`|---|---|---|---|`);
    for (const scenario of SCENARIOS) {
      const request: StatsRequest = {
        filter: { ...scenario.extra, start_time: new Date(now - scenario.spanMs).toISOString(), end_time: new Date(now).toISOString() },
        interval: scenario.interval,
        groupBy: scenario.groupBy,
      };
      const [fromPg, fromOs] = [await postgresStats(pool, tenantId, request), await stats.stats(tenantId, request)];
      if (fromPg.total !== fromOs.total) console.warn(`  totals differ: PostgreSQL ${fromPg.total}, OpenSearch ${fromOs.total}`);
      const pg = await time(() => postgresStats(pool, tenantId, request));
      const os = await time(() => stats.stats(tenantId, request));
      console.log(`| ${scenario.name} | ${pg.median.toFixed(1)} / ${pg.p95.toFixed(1)} | ${os.median.toFixed(1)} / ${os.p95.toFixed(1)} | ${fromOs.total} |`);
    }
  } finally {
    await Promise.allSettled([pool.end(), opensearch.close()]);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
