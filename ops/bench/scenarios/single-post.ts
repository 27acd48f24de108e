import { performance } from 'node:perf_hooks';
import type { BenchContext } from '../lib/context';
import { discardIndexTasks } from '../lib/discard-index-tasks';
import { waitForDrain } from '../lib/drain';
import { figure } from '../lib/figures';
import { createLosses, createProofs, honestFigure, type Losses, type Proofs } from '../lib/honesty';
import { waitForIndexRuns } from '../lib/index-runs';
import { runLoad } from '../lib/load';
import { storedRows } from '../lib/observed';
import { eachRun, round, type Scenario } from './scenario';

interface RateFigures {
  p50: { api: number[]; pg: number[] };
  p99: { api: number[]; pg: number[] };
  losses: Losses;
  proofs: { api: Proofs; anchor: Proofs };
}

const emptyFigures = (): RateFigures => ({
  p50: { api: [], pg: [] },
  p99: { api: [], pg: [] },
  losses: createLosses(),
  proofs: { api: createProofs(), anchor: createProofs() },
});

const newTenants = (ctx: BenchContext, count: number, label: string) => Promise.all(Array.from({ length: count }, () => ctx.newTenant(label)));

/**
 * The anchor with the outbox relay stopped: its task rows are never published, so the pipeline stays
 * idle while it runs (the relay would re-publish them after OUTBOX_RELAY_MIN_AGE_MS); then they are
 * marked failed so nothing indexes them later.
 */
async function withRelayStopped<T>(ctx: BenchContext, tenantIds: string[], work: () => Promise<T>): Promise<T> {
  await ctx.services.stop('outbox-relay');
  try {
    return await work();
  } finally {
    await discardIndexTasks(ctx, tenantIds);
    await ctx.services.start('outbox-relay');
  }
}

/** Single POST /logs at a fixed rate against the same insert transaction straight to PostgreSQL, on a drained system. */
export const singlePost: Scenario = {
  id: '2',
  title: 'Single POST /logs latency at a fixed rate',
  async run(ctx) {
    await ctx.requireEndpoint('post', '/api/v1/logs');
    const { single } = ctx.scale;
    const byRate = new Map(single.rates.map((rate) => [rate, emptyFigures()]));
    const notes: string[] = [];
    const tenantIds = await newTenants(ctx, single.tenants, 'single');
    const anchorTenants = await newTenants(ctx, single.tenants, 'single-anchor');
    const tokens = tenantIds.map((t) => ctx.token('user', t));
    // The whole pipeline runs during the API's load: every event's task is published, batched, indexed and sealed as in production.
    await eachRun(ctx, async (run) => {
      for (const [rate, figures] of byRate) {
        const load = { rate, durationMs: single.durationMs, seed: run * 10 + rate };
        const scheduled = Math.floor((rate * single.durationMs) / 1000);
        const rowsBefore = await storedRows(ctx, tenantIds);
        const api = await runLoad('singleHttpRate', { ...load, url: ctx.apiUrl, tokens });
        figures.losses.add(api);
        // Unanswered requests may have committed after the load stopped waiting for them.
        const stored = (await storedRows(ctx, tenantIds)) - rowsBefore;
        figures.proofs.api.checkWithin(`${rate}/s run ${run}, API`, 'rows stored for its 201 answers', { min: api.ok, max: api.ok + api.unanswered }, stored);

        const drainStarted = performance.now();
        const drain = await waitForDrain(ctx, { tenantIds, sealed: true, proofs: figures.proofs.anchor, before: `${rate}/s run ${run}, anchor` });
        const anchorBefore = await storedRows(ctx, anchorTenants);
        const pg = await withRelayStopped(ctx, anchorTenants, () =>
          runLoad('singlePgRate', { ...load, appUrl: ctx.config.postgres.url, tenantIds: anchorTenants, poolSize: ctx.config.postgres.poolSize }),
        );
        figures.proofs.anchor.check(`${rate}/s run ${run}, PostgreSQL`, 'transactions committed', scheduled, (await storedRows(ctx, anchorTenants)) - anchorBefore);
        for (const [key, result] of [['api', api], ['pg', pg]] as const) {
          figures.p50[key].push(result.latency.p50);
          figures.p99[key].push(result.latency.p99);
        }
        notes.push(
          `${rate}/s, run ${run}: API sent ${round(api.achievedRate, 0)} req/s, ${api.ok} ok, ${api.failed} failed, ${api.shed} shed, ${api.unanswered} unanswered, max ${round(api.latency.max, 0)} ms; ` +
            `drained in ${round((performance.now() - drainStarted) / 1000)} s${drain.drained ? '' : ' (NOT drained)'}; PostgreSQL ${round(pg.achievedRate, 0)} tx/s, ${pg.shed} shed, max ${round(pg.latency.max, 0)} ms`,
        );
      }
    });
    const drained = await waitForIndexRuns(ctx.ownerPool, tenantIds, 600_000);
    notes.push(
      `Indexing kept running during the API's load: ${drained.succeeded} of ${drained.tasks} reindex tasks succeeded in ${drained.runs} workflow runs ` +
        `(${round(drained.tasks / Math.max(drained.runs, 1), 1)} tasks per run).`,
      `Open loop for ${single.durationMs / 1000} s per run and rate over ${single.tenants} tenants; latency counted from each request's scheduled start (no coordinated omission), at most 2,000 in flight. ` +
        'Requests shed by that cap, failed or unanswered are counted; with any, the goal is not met.',
      "The anchor is the ingest transaction itself (BEGIN, set tenant, INSERT event, INSERT reindex task, COMMIT) as the app role, with the API's pool size, on tenants of its own. " +
        'It runs once the service has drained what it accepted (no unfinished task, no queued message, every row searchable and sealed, checked in PostgreSQL, SQS and OpenSearch), with the outbox relay stopped so its task rows stay unpublished.',
      "The test profile runs PostgreSQL with fsync=off and synchronous_commit=off: commit latency here is far below a durable server's, for service and anchor alike.",
    );
    const figures = [...byRate].flatMap(([rate, f]) => [
      honestFigure(figure(`latency p50 at ${rate}/s`, 'ms', false, f.p50.api, 'same transaction straight to PostgreSQL, drained', f.p50.pg), {
        proofs: [f.proofs.api, f.proofs.anchor],
        losses: f.losses,
      }),
      honestFigure(
        figure(
          `latency p99 at ${rate}/s`,
          'ms',
          false,
          f.p99.api,
          'same transaction straight to PostgreSQL, drained',
          f.p99.pg,
          rate === 1000 ? { text: '0 shed, ≤ 2× anchor', check: (s, a) => s <= 2 * a } : undefined,
        ),
        { proofs: [f.proofs.api, f.proofs.anchor], losses: f.losses },
      ),
    ]);
    return { figures, notes };
  },
};
