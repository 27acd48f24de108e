import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createOpenSearchClient } from '../../adapters/opensearch/opensearch-client';
import { createPgPool } from '../../adapters/postgres/postgres-client';
import { loadConfig } from '../../platform/config/config';
import { createContext, type BenchContext } from './lib/context';
import { EndpointMissingError, type ScenarioOutcome } from './lib/figures';
import { describeMachine } from './lib/machine';
import { writeReport } from './lib/report';
import { parseArgs } from './lib/scale';
import { createServiceSet, freePort, productionLaunch } from './lib/services';
import { SCENARIOS } from './scenarios';
import type { Scenario } from './scenarios/scenario';

/**
 * npm run bench [-- --quick] [-- --only=1,4]: starts the service's processes on the sandbox given by
 * the environment (ops/bench/bench.sh sets it up), runs each scenario against its raw anchor, and writes
 * ops/bench/results/<date>-<mode>.{md,json}.
 */

const CAVEATS = [
  'Measured on a 2-CPU machine: every server (PostgreSQL, OpenSearch, Temporal, Redis, ElasticMQ, versitygw), the service processes and the load processes compete for the same two cores, so the raw anchors run with far less contention than the pipeline they are compared to. The load average at start and end (above) says whether anything else ran. Ratios to anchors measured in the same run are more telling than absolute values.',
  'The servers are the test profile of ops/stack/: PostgreSQL runs with fsync=off and synchronous_commit=off, OpenSearch with one shard, no replica and a 1 s refresh interval, Temporal is the CLI dev server (SQLite).',
  'Load comes from separate processes (ops/bench/load/), over loopback, bounded in time or count. Each figure is the median of the runs; the spread is min–max across runs.',
];

async function runScenario(scenario: Scenario, ctx: BenchContext): Promise<ScenarioOutcome> {
  console.log(`[bench] scenario ${scenario.id}: ${scenario.title}`);
  const started = performance.now();
  const base = { id: scenario.id, title: scenario.title };
  try {
    // A service process that dies stalls the pipeline: fail now rather than at the end of every wait.
    const { figures, notes } = await Promise.race([scenario.run(ctx), ctx.services.crashed]);
    return { ...base, status: 'measured', figures, notes, durationMs: performance.now() - started };
  } catch (error) {
    const missing = error instanceof EndpointMissingError;
    console.error(`[bench] scenario ${scenario.id} ${missing ? 'not measured' : 'failed'}: ${(error as Error).message}`);
    return {
      ...base,
      status: missing ? 'not measured' : 'failed',
      reason: missing ? `endpoint missing (${(error as Error).message})` : (error as Error).message,
      figures: [],
      notes: [],
      durationMs: performance.now() - started,
    };
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const config = loadConfig();
  const ownerUrl = process.env.DATABASE_OWNER_URL;
  if (!ownerUrl) throw new Error('DATABASE_OWNER_URL is required (run through ops/bench/bench.sh)');
  const ownerPool = createPgPool(ownerUrl, 4, 'bench-owner');
  const appPool = createPgPool(config.postgres.url, 4, 'bench-app');
  const opensearch = createOpenSearchClient(config.opensearch.url);
  const port = await freePort();
  const logDir = path.join(os.tmpdir(), `audit-bench-${process.pid}`);
  const production = productionLaunch();
  const services = createServiceSet(
    {
      ...production.env,
      PORT: String(port),
      // Limits sized for the load the scenarios generate; the defaults protect a shared deployment.
      RATE_LIMIT_PER_SECOND: '100000',
      RATE_LIMIT_BURST: '1000000',
      WS_MAX_CONNECTIONS: '20000',
      WS_MAX_CONNECTIONS_PER_TENANT: '20000',
    },
    logDir,
    [],
    production.launch,
  );
  const ctx = createContext({ mode: args.mode, scale: args.scale, config, apiUrl: `http://127.0.0.1:${port}`, services, ownerPool, appPool, opensearch, index: config.opensearch.index });
  const machine = await describeMachine(ownerPool, opensearch);
  const outcomes: ScenarioOutcome[] = [];
  // Interrupted: stop the service processes this run started before leaving.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void services.stopAll().finally(() => process.exit(130)));
  }
  // --only runs the scenarios in the order it names them (the most wanted first, should the run be cut short).
  const selected = args.only.length === 0 ? SCENARIOS : args.only.map((id) => SCENARIOS.find((scenario) => scenario.id === id)).filter((scenario): scenario is Scenario => scenario !== undefined);
  // Written after every scenario, so a run stopped part way keeps the figures it measured.
  const report = () => {
    const left = selected.slice(outcomes.length).map((scenario) => scenario.id);
    const caveats = left.length === 0 ? CAVEATS : [...CAVEATS, `Partial: scenarios ${left.join(', ')} had not run when this report was written.`];
    return writeReport(
      { mode: args.mode, machine, scale: args.scale, loadAverageAfter: os.loadavg().map((l) => Math.round(l * 100) / 100), caveats, scenarios: outcomes },
      path.join(__dirname, 'results'),
    );
  };
  let files: string[] = [];
  try {
    console.log(`[bench] ${args.mode} run; service logs in ${logDir}`);
    await services.startAll();
    for (const scenario of selected) {
      outcomes.push(await runScenario(scenario, ctx));
      files = await report();
      if (services.crashes().length > 0) break;
    }
  } finally {
    await services.stopAll();
    await Promise.allSettled([ownerPool.end(), appPool.end(), opensearch.close()]);
  }
  console.log(`[bench] results: ${files.join(', ')}`);
  if (services.crashes().length > 0) {
    // The scenario it died in is reported failed; a run whose service lost a process measures nothing after it.
    console.error(`[bench] stopped: ${services.crashes().join('; ')}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
