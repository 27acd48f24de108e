import { performance } from 'node:perf_hooks';
import type { BenchContext } from '../lib/context';
import { waitForDrain } from '../lib/drain';
import { figure } from '../lib/figures';
import { createLosses, createProofs, honestFigure } from '../lib/honesty';
import { runLoad } from '../lib/load';
import { storedRows } from '../lib/observed';
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
    const proofs = { api: createProofs(), alone: createProofs(), searchable: createProofs(), copy: createProofs(), rawBulk: createProofs() };
    const losses = { api: createLosses(), alone: createLosses() };
    const load = (run: number, tenants: string[]) => ({ ...bulk, seed: run * 1000, url: ctx.apiUrl, tokens: tenants.map((t) => ctx.token('user', t)) });

    await eachRun(ctx, async (run) => {
      const tenants = await newTenants(ctx, 'bulk');
      let started = 0;
      const result = await runLoad('bulkHttp', load(run, tenants), { onReady: async () => void (started = performance.now()) });
      api.push(result.unitsPerSecond);
      losses.api.add({ failed: result.failures });
      proofs.api.check(`run ${run}, API`, 'events stored of those acknowledged', result.units, await storedRows(ctx, tenants));
      notes.push(
        `run ${run}: API ${result.units} events in ${result.requests} requests (${result.failures} failed), request p50 ${round(result.latency.p50)} ms, p99 ${round(result.latency.p99)} ms`,
      );
      // Sustained: from the first request until search sees every acknowledged event.
      const seen = await searchableAcross(ctx, tenants, result.units, bulk.searchableTimeoutMs);
      searchable.push((seen.count / (seen.at - started)) * 1000);
      proofs.searchable.check(`run ${run}, until searchable`, 'events searchable of those acknowledged', result.units, seen.count);

      await waitForDrain(ctx, { tenantIds: tenants, sealed: true, proofs: proofs.copy, before: `run ${run}, COPY` });
      const anchorTenants = await newTenants(ctx, 'bulk-anchor');
      const copied = await runLoad('bulkCopy', { ...bulk, seed: run * 1000, ownerUrl: process.env.DATABASE_OWNER_URL as string, tenantIds: anchorTenants });
      proofs.copy.check(`run ${run}, COPY`, 'rows stored of those copied', copied.units, await storedRows(ctx, anchorTenants));
      copy.push(copied.unitsPerSecond);
      const total = Math.max(1000, result.units);
      const raw = await runLoad('bulkOpenSearch', {
        tenantId: await ctx.newTenant('bulk-raw'),
        total,
        batch: bulk.eventsPerBody,
        concurrency: bulk.concurrency,
        seed: run * 1000,
        timeoutMs: bulk.searchableTimeoutMs,
      });
      proofs.rawBulk.check(`run ${run}, raw \`_bulk\``, 'documents searchable', total, raw.seen);
      rawBulk.push((raw.seen / raw.elapsedMs) * 1000);
    });

    // One pause for all runs: stopping the bridge waits for its long poll, so pausing per run would cost minutes.
    console.log('    with indexing paused');
    const alone = await newTenants(ctx, 'bulk-alone');
    const backlog = await withIndexingPaused(ctx, async () => {
      let events = 0;
      await eachRun(ctx, async (run) => {
        const before = await storedRows(ctx, alone);
        const paused = await runLoad('bulkHttp', load(run, alone));
        losses.alone.add({ failed: paused.failures });
        proofs.alone.check(`run ${run}, API alone`, 'events stored of those acknowledged', paused.units, (await storedRows(ctx, alone)) - before);
        apiAlone.push(paused.unitsPerSecond);
        events += paused.units;
      });
      return events;
    });
    await searchableAcross(ctx, alone, backlog, bulk.searchableTimeoutMs);

    notes.push(
      `${bulk.concurrency} concurrent clients, ${bulk.eventsPerBody}-event bodies (~0.6 KB per event), ${bulk.durationMs / 1000} s per run, ${TENANTS} tenants. ` +
        'The COPY anchor runs as the owner role: PostgreSQL refuses COPY FROM on a table with row-level security for the application role. ' +
        'The anchors run once the pipeline has drained (no unfinished task, no queued message, every event searchable and sealed); every figure counts what PostgreSQL or OpenSearch hold, not what was acknowledged, and failed requests count against the goal.',
      '"Indexing paused": the task bridge is stopped for those runs, so the Temporal worker and OpenSearch do not compete with the API for the CPUs; their tasks are indexed afterwards.',
      'Until searchable: events acknowledged ÷ time from the first request until `_count` sees them all (the whole pipeline: outbox task → SQS → bridge → Temporal workflow → OpenSearch, refresh_interval 1 s).',
    );
    return {
      figures: [
        honestFigure(figure('bulk ingest, pipeline live', 'events/s', true, api, 'COPY of the same rows (owner role), drained', copy, { text: '≥ 0.25× anchor', check: (s, a) => s >= 0.25 * a }), {
          proofs: [proofs.api, proofs.copy],
          losses: losses.api,
        }),
        honestFigure(
          figure('bulk ingest, indexing paused (API alone)', 'events/s', true, apiAlone, 'COPY of the same rows (owner role), drained', copy, { text: '≥ 0.5× anchor', check: (s, a) => s >= 0.5 * a }),
          { proofs: [proofs.alone, proofs.copy], losses: losses.alone },
        ),
        honestFigure(
          figure('ingest until searchable', 'events/s', true, searchable, 'raw `_bulk` of the same documents, until `_count` sees them', rawBulk, { text: '≥ 0.8× anchor', check: (s, a) => s >= 0.8 * a }),
          { proofs: [proofs.searchable, proofs.rawBulk], losses: losses.api },
        ),
      ],
      notes,
    };
  },
};
