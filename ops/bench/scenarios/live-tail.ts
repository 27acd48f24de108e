import { randomUUID } from 'node:crypto';
import { waitForDrain } from '../lib/drain';
import { figure, type Figure } from '../lib/figures';
import { createLosses, createProofs, honestFigure } from '../lib/honesty';
import { summarizeRuns } from '../lib/statistics';
import { runLoad } from '../lib/load';
import { startRelay } from '../lib/relay';
import { eachRun, round, type Scenario } from './scenario';

const GRACE_MS = 1500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Live tail end to end (POST sent → every subscriber has it) against a bare Redis → ws relay (publish → every subscriber). */
export const liveTail: Scenario = {
  id: '6',
  title: 'Live tail end to end with N subscribers',
  async run(ctx) {
    await ctx.requireEndpoint('get', '/api/v1/logs/stream');
    const { tail } = ctx.scale;
    const channel = `bench:relay:${randomUUID()}`;
    const relay = await startRelay(channel);
    const figures: Figure[] = [];
    const notes: string[] = [];
    try {
      for (const subscribers of tail.subscribers) {
        const p99 = { api: [] as number[], relay: [] as number[], sinceReceived: [] as number[] };
        const proofs = { api: createProofs(), relay: createProofs() };
        const losses = createLosses();
        await eachRun(ctx, async (run) => {
          const tenantId = await ctx.newTenant('tail');
          const token = ctx.token('user', tenantId);
          const publish = async () => {
            losses.add(await runLoad('publishHttp', { rate: tail.rate, count: tail.events, seed: run, url: ctx.apiUrl, token }));
            await sleep(GRACE_MS);
          };
          const api = await runLoad('tailSubscribers', { url: `${ctx.apiUrl.replace('http', 'ws')}/api/v1/logs/stream`, token, count: subscribers }, { onReady: publish });
          await waitForDrain(ctx, { tenantIds: [tenantId], sealed: true, proofs: proofs.relay, before: `${subscribers} subscribers, run ${run}, relay` });
          const bare = await runLoad(
            'tailSubscribers',
            { url: relay.url, count: subscribers },
            { onReady: async () => void (await runLoad('publishRedis', { rate: tail.rate, count: tail.events, seed: run, channel }), await sleep(GRACE_MS)) },
          );
          p99.api.push(api.latency.p99);
          p99.relay.push(bare.latency.p99);
          p99.sinceReceived.push(api.sinceReceived.p99);
          const expected = subscribers * tail.events;
          proofs.api.check(`${subscribers} subscribers, run ${run}, API`, 'frames delivered', expected, api.received);
          proofs.relay.check(`${subscribers} subscribers, run ${run}, relay`, 'frames delivered', expected, bare.received);
          notes.push(
            `${subscribers} subscribers, run ${run}: API delivered ${api.received}/${expected} (p50 ${round(api.latency.p50)} ms, max ${round(api.latency.max)} ms), ` +
              `relay ${bare.received}/${expected} (p50 ${round(bare.latency.p50)} ms, max ${round(bare.latency.max)} ms)`,
          );
        });
        const largest = subscribers === Math.max(...tail.subscribers) && subscribers >= 5000;
        figures.push(
          honestFigure(
            figure(`live tail p99, ${subscribers} subscribers`, 'ms', false, p99.api, 'bare Redis → ws relay', p99.relay, {
              text: largest ? '≤ 2× anchor and ≤ 250 ms' : '≤ 2× anchor',
              check: (s, a) => s <= 2 * a && (!largest || s <= 250),
            }),
            { proofs: [proofs.api, proofs.relay], losses },
          ),
        );
        const since = summarizeRuns(p99.sinceReceived);
        notes.push(`${subscribers} subscribers: p99 from received_at (diagnostic, no anchor starts there) ${round(since.median)} ms (${round(since.min)}–${round(since.max)}).`);
      }
    } finally {
      await relay.stop();
    }
    notes.push(
      `${tail.events} events per run at ${tail.rate}/s, all subscribers in one tenant and one load process; the API's figure starts when the POST is sent (it includes the insert), the relay's when it publishes to Redis.`,
      "The diagnostic starts at the event's received_at (the API's clock when the POST arrived, millisecond precision): it leaves out the client's send and the HTTP hop, and keeps the insert, the commit and the Redis → hub → socket path.",
      'The subscriber process parses every frame it receives, so with many subscribers its own event loop adds queueing to both figures alike.',
    );
    return { figures, notes };
  },
};
