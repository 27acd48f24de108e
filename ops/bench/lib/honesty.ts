import type { Figure } from './figures';

/**
 * The rules every figure follows (issue 13). An anchor (or a service run) proves the work it claims
 * by a count taken from the database, the index or the bucket; a figure whose runs did not is
 * refused. Requests shed by an open loop's in-flight cap, failed or never answered are counted, and
 * a figure with any such loss does not meet its goal.
 */
export function createProofs() {
  const refused: string[] = [];
  return {
    /** `done` must be observed independently of the step itself; returns whether it matched. */
    check(step: string, claim: string, expected: number, done: number): boolean {
      if (done === expected) return true;
      refused.push(`${step}: ${claim} ${done} of ${expected}`);
      return false;
    },
    /** As `check`, where some work may or may not have landed (e.g. requests still unanswered when the load stopped waiting). */
    checkWithin(step: string, claim: string, range: { min: number; max: number }, done: number): boolean {
      if (done >= range.min && done <= range.max) return true;
      refused.push(`${step}: ${claim} ${done}, expected ${range.min === range.max ? range.min : `${range.min}–${range.max}`}`);
      return false;
    },
    /** A step that could not be checked at all (e.g. the system never drained before it). */
    refuse(reason: string): void {
      refused.push(reason);
    },
    get refused(): readonly string[] {
      return refused;
    },
  };
}

export type Proofs = ReturnType<typeof createProofs>;

export interface LoadLosses {
  shed?: number;
  failed?: number;
  /** Sent but still unanswered when the load stopped waiting. */
  unanswered?: number;
}

/** Losses over every run of one figure. */
export function createLosses() {
  const total = { shed: 0, failed: 0 };
  return {
    add(losses: LoadLosses): void {
      total.shed += losses.shed ?? 0;
      total.failed += (losses.failed ?? 0) + (losses.unanswered ?? 0);
    },
    get total(): { shed: number; failed: number } {
      return { ...total };
    },
  };
}

export type Losses = ReturnType<typeof createLosses>;

/** `figure` with the rules applied: refused (no ratio, no goal met) when unproven; goal not met with losses. */
export function honestFigure(figure: Figure, rules: { proofs?: Proofs | readonly Proofs[]; losses?: Losses }): Figure {
  const proofs = rules.proofs === undefined ? [] : Array.isArray(rules.proofs) ? rules.proofs : [rules.proofs as Proofs];
  const refused = proofs.flatMap((p: Proofs) => p.refused);
  const lost = rules.losses?.total;
  const lossy = lost !== undefined && lost.shed + lost.failed > 0;
  const withLosses = lossy ? { ...figure, lost, met: figure.met === null ? null : false } : figure;
  if (refused.length === 0) return withLosses;
  return { ...withLosses, refused: [...new Set(refused)], ratio: Number.NaN, met: figure.met === null ? null : false };
}
