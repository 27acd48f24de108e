import { performance } from 'node:perf_hooks';
import type { BenchContext } from '../lib/context';
import { figure } from '../lib/figures';
import { runLoad } from '../lib/load';
import { searchableCount } from '../lib/search-count';
import { eachRun, round, type Scenario } from './scenario';

const TENANTS = 4;

const newTenants = (ctx: BenchContext, label: string) => Promise.all(Array.from({ length: TENANTS }, () => ctx.newTenant(label)));

/** Polls until search sees `expected` documents over these tenants, or the timeout. */
async function searchableAcross(ctx: BenchContext, tenants: string[], expected: number, timeoutMs: number): Promise<{ count: number; at: number }> {
  const deadline = performance.now() + timeoutMs;
  let count = 0;
  while (performance.now() < deadline) {
    count = (await Promise.all(tenants.map((t) => searchableCount(ctx.opensearch, ctx.index, t)))).reduce((a, b) => a + b, 0);
    if (count >= expected) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { count, at: performance.now() };
}

/** Runs `work` with the task bridge stopped: tasks wait in SQS and are indexed once it restarts. */
async function withIndexingPaused<T>(ctx: BenchContext, work: () => Promise<T>): Promise<T> {
  await ctx.services.stop('task-bridge');
  try {
    return await work();
  } finally {
    await ctx.services.start('task-bridge');
  }
}

/**
 * POST /logs/bulk with 1,000-event bodies from concurrent clients, against COPY of the same rows as
 * the owner role; then how soon all of it is searchable, against raw `_bulk` of the same documents.
 * The same load with indexing paused shows what the API does when the pipeline does not compete.
 */
export const bulkIngest: Scenario = {
  id: '1',
  title: 'Bulk ingest through the API, and sustained ingest until searchable',
  async run(ctx) {
    await ctx.requireEndpoint('post', '/api/v1/logs/bulk');
    const { bulk } = ctx.scale;
    const api: number[] = [];
    const copy: number[] = [];
    const searchable: number[] = [];
    const rawBulk: number[] = [];
    const apiAlone: number[] = [];
    const notes: string[] = [];
    const load = (run: number, tenants: string[]) => ({ ...bulk, seed: run * 1000, url: ctx.apiUrl, tokens: tenants.map((t) => ctx.token('user', t)) });

    await eachRun(ctx, async (run) => {
      const tenants = await newTenants(ctx, 'bulk');
      let started = 0;
      const result = await runLoad('bulkHttp', load(run, tenants), { onReady: async () => void (started = performance.now()) });
      api.push(result.unitsPerSecond);
      notes.push(
        `run ${run}: API ${result.units} events in ${result.requests} requests (${result.failures} failed), request p50 ${round(result.latency.p50)} ms, p99 ${round(result.latency.p99)} ms`,
      );
      // Sustained: from the first request until search sees every acknowledged event.
      const seen = await searchableAcross(ctx, tenants, result.units, bulk.searchableTimeoutMs);
      searchable.push((seen.count / (seen.at - started)) * 1000);
      if (seen.count < result.units) notes.push(`run ${run}: only ${seen.count} of ${result.units} events searchable after ${bulk.searchableTimeoutMs / 1000} s`);

      const copied = await runLoad('bulkCopy', { ...bulk, seed: run * 1000, ownerUrl: process.env.DATABASE_OWNER_URL as string, tenantIds: await newTenants(ctx, 'bulk-anchor') });
      copy.push(copied.unitsPerSecond);
      const raw = await runLoad('bulkOpenSearch', {
        tenantId: await ctx.newTenant('bulk-raw'),
        total: Math.max(1000, result.units),
        batch: bulk.eventsPerBody,
        concurrency: bulk.concurrency,
        seed: run * 1000,
        timeoutMs: bulk.searchableTimeoutMs,
      });
      rawBulk.push((raw.seen / raw.elapsedMs) * 1000);
    });

    // One pause for all runs: stopping the bridge waits for its long poll, so pausing per run would cost minutes.
    console.log('    with indexing paused');
    const alone = await newTenants(ctx, 'bulk-alone');
    const backlog = await withIndexingPaused(ctx, async () => {
      let events = 0;
      await eachRun(ctx, async (run) => {
        const paused = await runLoad('bulkHttp', load(run, alone));
        apiAlone.push(paused.unitsPerSecond);
        events += paused.units;
      });
      return events;
    });
    await searchableAcross(ctx, alone, backlog, bulk.searchableTimeoutMs);

    notes.push(
      `${bulk.concurrency} concurrent clients, ${bulk.eventsPerBody}-event bodies (~0.6 KB per event), ${bulk.durationMs / 1000} s per run, ${TENANTS} tenants. ` +
        'The COPY anchor runs as the owner role: PostgreSQL refuses COPY FROM on a table with row-level security for the application role.',
      '"Indexing paused": the task bridge is stopped for those runs, so the Temporal worker and OpenSearch do not compete with the API for the CPUs; their tasks are indexed afterwards.',
      'Until searchable: events acknowledged ÷ time from the first request until `_count` sees them all (the whole pipeline: outbox task → SQS → bridge → Temporal workflow → OpenSearch, refresh_interval 1 s).',
    );
    return {
      figures: [
        figure('bulk ingest', 'events/s', true, api, 'COPY of the same rows (owner role)', copy, { text: '≥ 0.5× anchor', check: (s, a) => s >= 0.5 * a }),
        figure('bulk ingest, indexing paused (API alone)', 'events/s', true, apiAlone, 'COPY of the same rows (owner role)', copy),
        figure('ingest until searchable', 'events/s', true, searchable, 'raw `_bulk` of the same documents, until `_count` sees them', rawBulk, {
          text: '≥ 0.8× anchor',
          check: (s, a) => s >= 0.8 * a,
        }),
      ],
      notes,
    };
  },
};
