import { performance } from 'node:perf_hooks';
import { waitForIndexRuns } from '../lib/index-runs';
import { figure } from '../lib/figures';
import { runLoad } from '../lib/load';
import { eachRun, round, type Scenario } from './scenario';

interface RateFigures {
  p50: { api: number[]; pg: number[]; sqs: number[] };
  p99: { api: number[]; pg: number[]; sqs: number[] };
}

const emptyFigures = (): RateFigures => ({ p50: { api: [], pg: [], sqs: [] }, p99: { api: [], pg: [], sqs: [] } });

/** Single POST /logs at a fixed rate against the same insert transaction straight to PostgreSQL. */
export const singlePost: Scenario = {
  id: '2',
  title: 'Single POST /logs latency at a fixed rate',
  async run(ctx) {
    await ctx.requireEndpoint('post', '/api/v1/logs');
    const { single } = ctx.scale;
    const byRate = new Map(single.rates.map((rate) => [rate, emptyFigures()]));
    const notes: string[] = [];
    const tenantIds = await Promise.all(Array.from({ length: single.tenants }, () => ctx.newTenant('single')));
    const tokens = tenantIds.map((t) => ctx.token('user', t));
    // The whole pipeline runs: every event's task is published, batched and indexed as in production.
    await eachRun(ctx, async (run) => {
      for (const [rate, figures] of byRate) {
        const load = { rate, durationMs: single.durationMs, seed: run * 10 + rate };
        const api = await runLoad('singleHttpRate', { ...load, url: ctx.apiUrl, tokens });
        const pg = await runLoad('singlePgRate', { ...load, appUrl: ctx.config.postgres.url, tenantIds, poolSize: ctx.config.postgres.poolSize });
        const sqs = await runLoad('sqsSendRate', { rate, durationMs: single.durationMs });
        for (const [key, result] of [['api', api], ['pg', pg], ['sqs', sqs]] as const) {
          figures.p50[key].push(result.latency.p50);
          figures.p99[key].push(result.latency.p99);
        }
        notes.push(
          `${rate}/s, run ${run}: API sent ${round(api.achievedRate, 0)} req/s, ${api.ok} ok, ${api.failed} failed, ${api.shed} shed, max ${round(api.latency.max, 0)} ms; ` +
            `PostgreSQL ${round(pg.achievedRate, 0)} tx/s, ${pg.shed} shed, max ${round(pg.latency.max, 0)} ms; SQS ${round(sqs.achievedRate, 0)} sends/s, ${sqs.shed} shed, max ${round(sqs.latency.max, 0)} ms`,
        );
      }
    });
    const drainStarted = performance.now();
    const drained = await waitForIndexRuns(ctx.ownerPool, tenantIds, 600_000);
    notes.push(
      `Indexing kept running throughout: ${drained.succeeded} of ${drained.tasks} reindex tasks (one per POST) succeeded in ${drained.runs} workflow runs ` +
        `(${round(drained.tasks / Math.max(drained.runs, 1), 1)} tasks per run); the backlog left after the last run drained in ${round((drained.at - drainStarted) / 1000)} s.`,
    );
    notes.push(
      `Open loop for ${single.durationMs / 1000} s per run and rate over ${single.tenants} tenants; latency counted from each request's scheduled start (no coordinated omission), at most 2,000 in flight.`,
      "The anchor is the ingest transaction itself (BEGIN, set tenant, INSERT event, INSERT reindex task, COMMIT) as the app role, with the API's pool size.",
      'SQS SendMessage alone (one per event) is measured at the same rate as a diagnostic; the API no longer waits for SQS: it publishes after answering, many task refs per message.',
      "The test profile runs PostgreSQL with fsync=off and synchronous_commit=off: commit latency here is far below a durable server's, for service and anchor alike.",
    );
    const figures = [...byRate].flatMap(([rate, f]) => [
      figure(`latency p50 at ${rate}/s`, 'ms', false, f.p50.api, 'same transaction straight to PostgreSQL', f.p50.pg),
      figure(`latency p99 at ${rate}/s`, 'ms', false, f.p99.api, 'same transaction straight to PostgreSQL', f.p99.pg, rate === 1000 ? { text: '≤ anchor + 10 ms and ≤ 15 ms', check: (s, a) => s <= a + 10 && s <= 15 } : undefined),
      figure(`SQS SendMessage p99 at ${rate}/s (diagnostic)`, 'ms', false, f.p99.sqs, 'same transaction straight to PostgreSQL', f.p99.pg),
    ]);
    return { figures, notes };
  },
};
