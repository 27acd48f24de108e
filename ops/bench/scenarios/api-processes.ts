import type { BenchContext } from '../lib/context';
import { waitForDrain } from '../lib/drain';
import { figure } from '../lib/figures';
import { createProofs, honestFigure, type Proofs } from '../lib/honesty';
import { runLoad } from '../lib/load';
import { storedRows } from '../lib/observed';
import { eachRun, round, type Scenario } from './scenario';

/** Offered rate a step must reach (the open loop's achieved rate), as a share of the rate it offered. */
const ACHIEVED_SHARE = 0.95;

interface Ladder {
  /** The achieved rate of the last step that held the p99 ceiling with nothing lost; 0 when none did. */
  sustained: number;
  steps: string[];
}

/** Restarts the API with `processes` (API_PROCESSES) and lets every process take connections before load. */
async function serveWith(ctx: BenchContext, processes: number, tokens: string[]): Promise<void> {
  await ctx.services.stop('api');
  await ctx.services.start('api', 240_000, { API_PROCESSES: String(processes) });
  // The ready line is the first process's; a short paced warm-up reaches the others too.
  await runLoad('singleHttpRate', { rate: 100, durationMs: 2_000, seed: 7, url: ctx.apiUrl, tokens });
}

/**
 * Climbs the rate ladder open loop, one step per rate, draining the pipeline between steps so a
 * step does not inherit the last one's backlog. Stops at the first step that loses a request, falls
 * short of the offered rate or exceeds the p99 ceiling.
 */
async function climb(ctx: BenchContext, label: string, tenantIds: string[], tokens: string[], run: number, proofs: Proofs): Promise<Ladder> {
  const { rates, durationMs, p99CeilingMs } = ctx.scale.processes;
  const steps: string[] = [];
  let sustained = 0;
  for (const rate of rates) {
    const before = await storedRows(ctx, tenantIds);
    const result = await runLoad('singleHttpRate', { rate, durationMs, seed: run * 100 + rate, url: ctx.apiUrl, tokens });
    const stored = (await storedRows(ctx, tenantIds)) - before;
    proofs.checkWithin(`${label}, run ${run}, ${rate}/s`, 'rows stored for its 201 answers', { min: result.ok, max: result.ok + result.unanswered }, stored);
    const lost = result.shed + result.failed + result.unanswered;
    const held = lost === 0 && result.achievedRate >= ACHIEVED_SHARE * rate && result.latency.p99 <= p99CeilingMs;
    steps.push(`${rate}/s: achieved ${round(result.achievedRate, 0)}/s, p99 ${round(result.latency.p99)} ms, ${lost} lost${held ? '' : ' (over)'}`);
    await waitForDrain(ctx, { tenantIds, sealed: true, proofs, before: `${label}, run ${run}, after ${rate}/s` });
    if (!held) break;
    sustained = result.achievedRate;
  }
  return { sustained, steps };
}

/** Issue 13: the sustained single-POST rate of two API processes (node:cluster, one port) against one, at the same p99 ceiling. */
export const apiProcesses: Scenario = {
  id: '8',
  title: 'Single POSTs: 2 API processes vs 1, sustained rate at the same p99',
  async run(ctx) {
    await ctx.requireEndpoint('post', '/api/v1/logs');
    const { tenants, p99CeilingMs, durationMs } = ctx.scale.processes;
    const tenantIds = await Promise.all(Array.from({ length: tenants }, () => ctx.newTenant('processes')));
    const tokens = tenantIds.map((tenantId) => ctx.token('user', tenantId));
    const sustained = { one: [] as number[], two: [] as number[] };
    const proofs = createProofs();
    const notes: string[] = [];
    try {
      await eachRun(ctx, async (run) => {
        for (const [processes, key] of [[1, 'one'], [2, 'two']] as const) {
          await serveWith(ctx, processes, tokens);
          await waitForDrain(ctx, { tenantIds, sealed: true, proofs, before: `${processes} process(es), run ${run}` });
          const ladder = await climb(ctx, `${processes} API process(es)`, tenantIds, tokens, run, proofs);
          sustained[key].push(ladder.sustained);
          // A ratio of two zeros would read as a goal met: no step that held means no figure.
          if (ladder.sustained === 0) proofs.refuse(`run ${run}, ${processes} API process(es): no step held p99 ≤ ${p99CeilingMs} ms with nothing lost, not even ${ctx.scale.processes.rates[0]}/s`);
          notes.push(`run ${run}, ${processes} API process(es): sustained ${round(ladder.sustained, 0)}/s; ${ladder.steps.join('; ')}`);
        }
      });
    } finally {
      await ctx.services.stop('api');
      await ctx.services.start('api');
    }
    notes.push(
      `Each step is an open loop of ${durationMs / 1000} s at one rate over ${tenants} tenants (latency from each request's scheduled start); a step holds when nothing is shed, failed or unanswered, ` +
        `the achieved rate is at least ${ACHIEVED_SHARE * 100}% of the offered one and p99 ≤ ${p99CeilingMs} ms. The sustained rate is the achieved rate of the last step that held. ` +
        'Between steps the whole pipeline drains (tasks, queues, indexing, sealing, checked in PostgreSQL, SQS and OpenSearch). Rows stored are counted in PostgreSQL for every step.',
      'API_PROCESSES=2 runs two node:cluster workers on one port; the load process, PostgreSQL, OpenSearch, Temporal and the workers share the same two cores, so the second API process competes with them.',
    );
    const goal = { text: '≥ 1.5× one process', check: (service: number, anchor: number) => service >= 1.5 * anchor };
    return {
      figures: [honestFigure(figure(`sustained single POSTs at p99 ≤ ${p99CeilingMs} ms`, 'req/s', true, sustained.two, 'the same ladder with 1 API process', sustained.one, goal), { proofs })],
      notes,
    };
  },
};
