import { randomUUID } from 'node:crypto';
import { figure, type Figure } from '../lib/figures';
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
        await eachRun(ctx, async (run) => {
          const tenantId = await ctx.newTenant('tail');
          const token = ctx.token('user', tenantId);
          const api = await runLoad(
            'tailSubscribers',
            { url: `${ctx.apiUrl.replace('http', 'ws')}/api/v1/logs/stream`, token, count: subscribers },
            { onReady: async () => void (await runLoad('publishHttp', { rate: tail.rate, count: tail.events, seed: run, url: ctx.apiUrl, token }), await sleep(GRACE_MS)) },
          );
          const bare = await runLoad(
            'tailSubscribers',
            { url: relay.url, count: subscribers },
            { onReady: async () => void (await runLoad('publishRedis', { rate: tail.rate, count: tail.events, seed: run, channel }), await sleep(GRACE_MS)) },
          );
          p99.api.push(api.latency.p99);
          p99.relay.push(bare.latency.p99);
          p99.sinceReceived.push(api.sinceReceived.p99);
          const expected = subscribers * tail.events;
          notes.push(
            `${subscribers} subscribers, run ${run}: API delivered ${api.received}/${expected} (p50 ${round(api.latency.p50)} ms, max ${round(api.latency.max)} ms), ` +
              `relay ${bare.received}/${expected} (p50 ${round(bare.latency.p50)} ms, max ${round(bare.latency.max)} ms)`,
          );
        });
        const largest = subscribers === Math.max(...tail.subscribers) && subscribers >= 5000;
        figures.push(
          figure(`live tail p99, ${subscribers} subscribers`, 'ms', false, p99.api, 'bare Redis → ws relay', p99.relay, {
            text: largest ? '≤ anchor + 20 ms and ≤ 250 ms' : '≤ anchor + 20 ms',
            check: (s, a) => s <= a + 20 && (!largest || s <= 250),
          }),
          figure(`live tail p99 from received_at, ${subscribers} subscribers (diagnostic)`, 'ms', false, p99.sinceReceived, 'bare Redis → ws relay', p99.relay),
        );
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
