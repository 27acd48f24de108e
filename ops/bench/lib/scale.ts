/** How much each scenario does: `--quick` finishes in minutes; the full run aims at the sizes. */
export interface Scale {
  runs: number;
  bulk: { concurrency: number; durationMs: number; eventsPerBody: number; distinctBodies: number; searchableTimeoutMs: number };
  /** The first rate is the (1,000/s); the others show the latency below saturation. */
  single: { rates: number[]; durationMs: number; tenants: number };
  lag: { count: number; intervalMs: number; timeoutMs: number };
  /** Events in the corpus that search and export read. */
  corpus: number;
  search: { repetitions: number; pageSize: number };
  cursor: { pages: number; walks: number; pageSize: number };
  tail: { subscribers: number[]; events: number; rate: number };
  archive: { rows: number; timeoutMs: number };
  /** The rate ladder single POSTs climb with 1 and then 2 API processes; a step counts while it keeps this p99 with nothing lost. */
  processes: { rates: number[]; durationMs: number; tenants: number; p99CeilingMs: number };
  /** Events sealed per run against raw hashing; the large tenant verified and proved against (issue 12: 1,000,000). */
  integrity: { sealEvents: number; largeTenant: number; proofSamples: number };
}

export const QUICK: Scale = {
  runs: 3,
  bulk: { concurrency: 4, durationMs: 4_000, eventsPerBody: 1000, distinctBodies: 4, searchableTimeoutMs: 90_000 },
  single: { rates: [1000, 200], durationMs: 1_500, tenants: 4 },
  lag: { count: 20, intervalMs: 100, timeoutMs: 60_000 },
  corpus: 50_000,
  search: { repetitions: 10, pageSize: 20 },
  cursor: { pages: 30, walks: 2, pageSize: 100 },
  tail: { subscribers: [100, 1000], events: 20, rate: 10 },
  archive: { rows: 10_000, timeoutMs: 300_000 },
  integrity: { sealEvents: 20_000, largeTenant: 100_000, proofSamples: 200 },
  processes: { rates: [100, 250, 500, 750, 1000, 1500, 2000, 3000], durationMs: 3_000, tenants: 4, p99CeilingMs: 50 },
};

/**
 * The committed full run: 5 runs per figure at the sizes the goals name (5,000 subscribers, a
 * 1,000,000-event tenant to verify and prove against), with the per-run windows and bulk volumes
 * trimmed so that all eleven scenarios fit in about 90 minutes on a 2-core machine (the first full
 * run at 20 s bulk windows and a 1,000,000-event corpus and archive spent 30 minutes on scenario 1
 * alone): 10 s bulk windows, 5 s rate windows, a 250,000-event corpus and archive.
 */
export const FULL: Scale = {
  runs: 5,
  bulk: { concurrency: 8, durationMs: 10_000, eventsPerBody: 1000, distinctBodies: 8, searchableTimeoutMs: 600_000 },
  single: { rates: [1000, 200], durationMs: 5_000, tenants: 8 },
  lag: { count: 100, intervalMs: 100, timeoutMs: 120_000 },
  corpus: 250_000,
  search: { repetitions: 30, pageSize: 20 },
  cursor: { pages: 200, walks: 3, pageSize: 100 },
  tail: { subscribers: [1000, 5000], events: 50, rate: 10 },
  archive: { rows: 250_000, timeoutMs: 3_600_000 },
  integrity: { sealEvents: 100_000, largeTenant: 1_000_000, proofSamples: 300 },
  processes: { rates: [100, 250, 500, 750, 1000, 1250, 1500, 2000, 2500, 3000, 4000], durationMs: 5_000, tenants: 8, p99CeilingMs: 50 },
};

export interface BenchArgs {
  mode: 'quick' | 'full';
  scale: Scale;
  /** Scenario ids to run (all when empty). */
  only: string[];
}

/** `--quick`, `--only=1,4` (ids as in ops/bench/scenarios/index.ts), `--runs=N` (runs per figure, at least 2). */
export function parseArgs(argv: readonly string[]): BenchArgs {
  const quick = argv.includes('--quick');
  const only = argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',').filter(Boolean) ?? [];
  const runsArg = argv.find((arg) => arg.startsWith('--runs='))?.slice('--runs='.length);
  const unknown = argv.filter((arg) => arg !== '--quick' && !arg.startsWith('--only=') && !arg.startsWith('--runs='));
  if (unknown.length > 0) throw new Error(`unknown arguments: ${unknown.join(' ')} (use --quick, --only=id,id, --runs=N)`);
  const base = quick ? QUICK : FULL;
  const runs = runsArg === undefined ? base.runs : Number(runsArg);
  if (!Number.isInteger(runs) || runs < 2) throw new Error(`--runs takes a whole number of at least 2, not ${runsArg}`);
  return { mode: quick ? 'quick' : 'full', scale: { ...base, runs }, only };
}
