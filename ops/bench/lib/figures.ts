import { summarizeRuns, type RunSummary } from './statistics';

/** One measured figure: the service and its raw anchor from the same runs, their ratio and the goal. */
export interface Figure {
  name: string;
  unit: string;
  /** Throughputs: higher is better; latencies and durations: lower is better. */
  higherIsBetter: boolean;
  service: RunSummary;
  anchorName: string;
  anchor: RunSummary;
  /** service median ÷ anchor median. */
  ratio: number;
  goal: string;
  met: boolean | null;
  /** Why the figure is refused (a run did not prove its work, see lib/honesty.ts): no ratio, no goal met. */
  refused?: string[];
  /** Requests shed by an open loop's in-flight cap, or failed or unanswered, over all runs: no goal is met with any. */
  lost?: { shed: number; failed: number };
}

export interface Goal {
  text: string;
  check(service: number, anchor: number): boolean;
}

export function figure(
  name: string,
  unit: string,
  higherIsBetter: boolean,
  service: readonly number[],
  anchorName: string,
  anchor: readonly number[],
  goal?: Goal,
): Figure {
  const s = summarizeRuns(service);
  const a = summarizeRuns(anchor);
  const measurable = Number.isFinite(s.median) && Number.isFinite(a.median);
  return {
    name,
    unit,
    higherIsBetter,
    service: s,
    anchorName,
    anchor: a,
    ratio: s.median / a.median,
    goal: goal?.text ?? '(context, no goal)',
    met: goal && measurable ? goal.check(s.median, a.median) : null,
  };
}

/** The result of one scenario, as the report shows it. */
export interface ScenarioOutcome {
  id: string;
  title: string;
  status: 'measured' | 'not measured' | 'failed';
  reason?: string;
  figures: Figure[];
  /** What was observed: bottlenecks, shed requests, caveats. */
  notes: string[];
  durationMs: number;
}

export class EndpointMissingError extends Error {
  override readonly name = 'EndpointMissingError';
}
