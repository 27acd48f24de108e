import type { BenchContext } from '../lib/context';
import type { Figure } from '../lib/figures';

export interface ScenarioResult {
  figures: Figure[];
  notes: string[];
}

/** One row group of the table: the service and its raw anchor, measured in the same run. */
export interface Scenario {
  id: string;
  title: string;
  run(ctx: BenchContext): Promise<ScenarioResult>;
}

/** Runs `body` once per run (1-based), so each run measures the service and its anchor back to back. */
export async function eachRun(ctx: BenchContext, body: (run: number) => Promise<void>): Promise<void> {
  for (let run = 1; run <= ctx.scale.runs; run++) {
    console.log(`    run ${run}/${ctx.scale.runs}`);
    await body(run);
  }
}

export const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
