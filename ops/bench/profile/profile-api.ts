import { readdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createOpenSearchClient } from '../../../adapters/opensearch/opensearch-client';
import { createPgPool } from '../../../adapters/postgres/postgres-client';
import { loadConfig } from '../../../platform/config/config';
import { createContext, type BenchContext } from '../lib/context';
import { discardIndexTasks } from '../lib/discard-index-tasks';
import { runLoad } from '../lib/load';
import { seedTenant } from '../lib/seed';
import { summarizeLatencies } from '../lib/statistics';
import { searchQueries, toQueryString } from '../scenarios/search';
import { QUICK } from '../lib/scale';
import { createServiceSet, freePort } from '../lib/services';
import { summarizeCpuProfile } from './cpu-profile-summary';

/**
 * CPU profile of the API alone under one kind of load, to find where a poor ratio goes:
 *   npm run bench:profile -- bulk          (4 clients posting 1,000-event bodies for 8 s)
 *   npm run bench:profile -- single [rate] (single POST /logs at `rate`/s for 8 s, default 600)
 *   npm run bench:profile -- search [rounds] [role] (scenario 4's queries, one at a time, `rounds` rounds, default 60, over 20,000 seeded events, as `role`: auditor, whose reads are recorded, the default, or user)
 *   npm run bench:profile -- tail [subscribers] (scenario 6: `subscribers` live-tail sockets of one tenant, default 5,000, while 50 single POSTs arrive at 10/s)
 * Needs the bench sandbox provisioned (`npm run bench` once). Prints the top self times and the
 * .cpuprofile path (open it in Chrome DevTools for the call tree).
 */
const DAY = 86_400_000;

async function main() {
  const [kind = 'bulk', rateArg, roleArg] = process.argv.slice(2);
  if (!['bulk', 'single', 'search', 'tail'].includes(kind)) throw new Error('usage: profile-api.ts bulk | single [rate] | search [rounds] | tail [subscribers]');
  const config = loadConfig();
  const port = await freePort();
  const dir = path.join(os.tmpdir(), `audit-bench-profile-${process.pid}`);
  const limits = { RATE_LIMIT_PER_SECOND: '100000', RATE_LIMIT_BURST: '1000000', WS_MAX_CONNECTIONS: '20000', WS_MAX_CONNECTIONS_PER_TENANT: '20000' };
  const services = createServiceSet({ PORT: String(port), ...limits }, dir, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  const appPool = createPgPool(config.postgres.url, 2, 'bench-profile');
  const ownerPool = createPgPool(process.env.DATABASE_OWNER_URL as string, 1, 'bench-profile-owner');
  const opensearch = createOpenSearchClient(config.opensearch.url);
  const ctx = createContext({ mode: 'quick', scale: QUICK, config, apiUrl: `http://127.0.0.1:${port}`, services, ownerPool, appPool, opensearch, index: config.opensearch.index });
  const tenants: string[] = [];
  try {
    await services.start('api');
    if (kind === 'search') {
      await profileSearch(ctx, tenants, Number(rateArg ?? 60), roleArg === 'user' ? 'user' : 'auditor');
    } else if (kind === 'tail') {
      await profileTail(ctx, tenants, Number(rateArg ?? 5000));
    } else {
      tenants.push(...(await Promise.all([1, 2, 3, 4].map(() => ctx.newTenant('profile')))));
      const tokens = tenants.map((tenantId) => ctx.token('user', tenantId));
      const result =
        kind === 'bulk'
          ? await runLoad('bulkHttp', { url: ctx.apiUrl, tokens, concurrency: 4, durationMs: 8000, eventsPerBody: 1000, distinctBodies: 4, seed: 1 })
          : await runLoad('singleHttpRate', { url: ctx.apiUrl, tokens, rate: Number(rateArg ?? 600), durationMs: 8000, seed: 1 });
      console.log(`load: ${JSON.stringify({ ...result, latency: undefined })}\nlatency (ms): ${JSON.stringify(result.latency)}`);
    }
  } finally {
    await services.stopAll();
    // No worker runs here: these events are never indexed, and their tasks must not start workflows later.
    await discardIndexTasks(ctx, tenants);
    await Promise.allSettled([appPool.end(), ownerPool.end(), opensearch.close()]);
  }
  // The main thread's profile is the largest; the others are tsx's loader thread.
  const profiles = (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile')).map((name) => path.join(dir, name));
  const sizes = await Promise.all(profiles.map(async (file) => ({ file, size: (await stat(file)).size })));
  const main = sizes.sort((a, b) => b.size - a.size)[0]?.file;
  if (!main) throw new Error(`no CPU profile written in ${dir}`);
  const summary = await summarizeCpuProfile(main);
  console.log(`\n${main} (${Math.round(summary.totalMs)} ms sampled, start-up included)`);
  for (const [title, rows] of [['self time by function', summary.functions], ['self time by module', summary.modules]] as const) {
    console.log(`\n${title}:`);
    for (const row of rows) console.log(`  ${(row.share * 100).toFixed(1).padStart(5)}%  ${row.name}`);
  }
}

/** Scenario 4's queries as its auditor (each read recorded, as in the bench) or its user sends them, against a seeded, searchable tenant. */
async function profileSearch(ctx: BenchContext, tenants: string[], rounds: number, role: 'auditor' | 'user'): Promise<void> {
  const tenantId = await ctx.newTenant('profile-search');
  tenants.push(tenantId);
  const endMs = Date.now() - 60_000;
  await seedTenant(ctx.seedDeps, tenantId, 20_000, { seed: 42, startMs: endMs - 30 * DAY, endMs, search: true });
  const queries = searchQueries({ endMs }).map((filter) => toQueryString(filter, 20));
  const result = await runLoad('searchHttp', { url: ctx.apiUrl, token: ctx.token(role, tenantId), queries, repetitions: rounds });
  const latency = summarizeLatencies(result.perQuery.flat());
  console.log(`search as ${role}: ${result.perQuery.flat().length} requests, p50 ${latency.p50.toFixed(2)} ms, p95 ${latency.p95.toFixed(2)} ms`);
}

/** Scenario 6's API side: `subscribers` sockets of one tenant while 50 single POSTs arrive at 10/s. */
async function profileTail(ctx: BenchContext, tenants: string[], subscribers: number): Promise<void> {
  const tenantId = await ctx.newTenant('profile-tail');
  tenants.push(tenantId);
  const token = ctx.token('user', tenantId);
  const publish = async () => {
    await runLoad('publishHttp', { rate: 10, count: 50, seed: 1, url: ctx.apiUrl, token });
    await new Promise((resolve) => setTimeout(resolve, 1500));
  };
  const result = await runLoad('tailSubscribers', { url: `${ctx.apiUrl.replace('http', 'ws')}/api/v1/logs/stream`, token, count: subscribers }, { onReady: publish });
  console.log(`tail: ${result.connected} subscribers, ${result.received} frames of ${subscribers * 50}, latency (ms) ${JSON.stringify(result.latency)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
