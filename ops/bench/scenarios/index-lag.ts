import { performance } from 'node:perf_hooks';
import { waitForDrain } from '../lib/drain';
import { figure } from '../lib/figures';
import { createProofs, honestFigure } from '../lib/honesty';
import { runLoad } from '../lib/load';
import { waitUntilSearchable } from '../lib/search-count';
import { eachRun, round, type Scenario } from './scenario';

const DRAIN_EVENTS = 2000;

/** 201 → searchable, event by event, against raw `_bulk` of the same document then polling `_search`. */
export const indexLag: Scenario = {
  id: '3',
  title: 'Index lag: 201 → searchable',
  async run(ctx) {
    await ctx.requireEndpoint('post', '/api/v1/logs');
    const { lag } = ctx.scale;
    const p50 = { api: [] as number[], raw: [] as number[] };
    const p99 = { api: [] as number[], raw: [] as number[] };
    const notes: string[] = [];
    const proofs = { api: createProofs(), raw: createProofs() };
    await eachRun(ctx, async (run) => {
      const tenantId = await ctx.newTenant('lag');
      const api = await runLoad('indexLagHttp', { ...lag, seed: run, tenantId, url: ctx.apiUrl, token: ctx.token('user', tenantId) });
      await waitForDrain(ctx, { tenantIds: [tenantId], sealed: true, proofs: proofs.raw, before: `run ${run}, raw` });
      const raw = await runLoad('indexLagRaw', { ...lag, seed: run, tenantId: await ctx.newTenant('lag-raw') });
      p50.api.push(api.lag.p50);
      p99.api.push(api.lag.p99);
      p50.raw.push(raw.lag.p50);
      p99.raw.push(raw.lag.p99);
      proofs.api.check(`run ${run}, API`, 'events found by `_search`', lag.count, lag.count - api.missing);
      proofs.raw.check(`run ${run}, raw \`_bulk\``, 'documents found by `_search`', lag.count, lag.count - raw.missing);
    });

    // How fast single POSTs drain to search when they arrive at once: the pipeline batches their tasks.
    const tenantId = await ctx.newTenant('drain');
    const started = performance.now();
    const sent = await runLoad('publishHttp', { rate: 500, count: DRAIN_EVENTS, seed: 7, url: ctx.apiUrl, token: ctx.token('user', tenantId) });
    const seen = await waitUntilSearchable(ctx.opensearch, ctx.index, tenantId, sent.ok, lag.timeoutMs);
    const drainSeconds = (seen.at - started) / 1000;
    const drained = seen.seen >= sent.ok ? `all searchable after ${round(drainSeconds)} s` : `not all searchable within ${lag.timeoutMs / 1000} s (${seen.seen} seen)`;
    const lost = sent.shed + sent.failed + sent.unanswered;
    notes.push(
      `${lag.count} events per run, one every ${lag.intervalMs} ms; \`_search\` by id polled every 25 ms (the resolution of these figures). The index refreshes every 1 s, which bounds the anchor.`,
      `Drain: ${DRAIN_EVENTS} single POSTs offered at 500/s, ${sent.ok} answered 201${lost ? ` (${sent.shed} shed by the open loop's in-flight cap, ${sent.failed} failed, ${sent.unanswered} unanswered)` : ''}, ${drained}: ` +
        `${round(seen.seen / drainSeconds)} events/s from the first request (one reindex task per POST, many tasks per SQS message and per workflow run).`,
    );
    return {
      figures: [
        honestFigure(figure('index lag p50', 'ms', false, p50.api, 'raw `_bulk` then poll `_search`', p50.raw), { proofs: [proofs.api, proofs.raw] }),
        honestFigure(figure('index lag p99', 'ms', false, p99.api, 'raw `_bulk` then poll `_search`', p99.raw, { text: '≤ anchor + 1 s', check: (s, a) => s <= a + 1000 }), {
          proofs: [proofs.api, proofs.raw],
        }),
      ],
      notes,
    };
  },
};
