import { Context } from '@temporalio/activity';
import type { StoredCheckpoint } from '../adapters/postgres/checkpoints-repository';
import type { LogSealer } from '../features/integrity/log-sealer';
import type { SealTasks } from '../features/integrity/seal-tasks';
import { heartbeatingWhile } from './heartbeating-while';

/** What a session of the sealer carries from run to run (continue-as-new): its task row and counts. */
export interface SealSession {
  taskId: string;
  /** Workflow time the session began (ms since the epoch). */
  startedAt: number;
  sealed: number;
  /** First seq the session sealed; null until it sealed one. */
  fromSeq: number | null;
}

export interface SealInput {
  tenantId: string;
  /** A failed `integrity_seal` task run again by POST /tasks/{id}/retry: the run continues its row. */
  taskId?: string;
  session?: SealSession;
  /** How long a session waits for the next request before it ends (default 120 s). */
  idleSeconds?: number;
}

export interface SealProgress {
  sealed: number;
  treeSize: number;
  /** Events are still waiting: the activity stopped at its step limit. */
  more: boolean;
}

/** Steps one activity takes before handing back to the workflow (so its history shows progress). */
const STEPS_PER_ACTIVITY = 100;
/**
 * How long sealRound waits for its checkpoint before leaving it to publishCheckpoint: well inside
 * the sealing heartbeat timeout, so a hanging bucket cannot time the attempt out and lose the count
 * of what it sealed.
 */
const PUBLISH_IN_ROUND_MS = 10_000;

/** `work`, or a rejection after `ms`, heartbeating every `beatEveryMs` meanwhile. */
async function withinRound<T>(work: Promise<T>, ms: number, beatEveryMs?: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no checkpoint within ${ms} ms`)), ms)));
    return await heartbeatingWhile(Promise.race([work, timeout]), undefined, beatEveryMs);
  } finally {
    clearTimeout(timer);
  }
}

export interface SealRoundProgress extends SealProgress {
  /** The round's checkpoint, published by the same attempt; null when events are still waiting or publishing failed. */
  published: { treeSize: number; checkpoint: StoredCheckpoint | null } | null;
}

export function createIntegrityActivities(deps: { sealer: LogSealer; sealTasks: SealTasks; publishInRoundMs?: number; beatWhileWaitingMs?: number }) {
  async function sealPending(tenantId: string): Promise<SealProgress> {
    const context = Context.current();
    let sealed = 0;
    let treeSize = 0;
    for (let steps = 0; steps < STEPS_PER_ACTIVITY; steps += 1) {
      const step = await heartbeatingWhile(deps.sealer.sealStep(tenantId), () => treeSize, deps.beatWhileWaitingMs);
      sealed += step.sealed;
      treeSize = step.treeSize;
      context.heartbeat(treeSize);
      if (!step.more) return { sealed, treeSize, more: false };
    }
    return { sealed, treeSize, more: true };
  }

  async function publish(input: { tenantId: string; taskId: string; sealed: number }): Promise<{ treeSize: number; checkpoint: StoredCheckpoint | null }> {
    const checkpoint = await deps.sealer.checkpoint(input.tenantId);
    await deps.sealTasks.recordProgress(input.tenantId, input.taskId, input.sealed);
    return { treeSize: checkpoint?.tree_size ?? 0, checkpoint: checkpoint ?? null };
  }

  return {
    /** Seals what is waiting, one transaction per step, heartbeating during and after each; a retry just continues where the log is. */
    sealPendingEvents: (input: SealInput): Promise<SealProgress> => sealPending(input.tenantId),

    /**
     * Signs and stores a checkpoint of the tree's current size (nothing when the latest covers it),
     * then shows the session's count of sealed events on its task row.
     */
    publishCheckpoint: publish,

    /**
     * sealPendingEvents, then, once nothing is waiting, publishCheckpoint in the same attempt: a
     * round of a small backlog is one activity, not two (three fewer history events and one fewer
     * workflow task per round, per tenant). Publishing that fails, or takes over PUBLISH_IN_ROUND_MS,
     * is not retried here: the events sealed stay counted, and the workflow publishes in an activity
     * of its own, with its own retries and timeout (a late write of this attempt is the same
     * checkpoint, which publishing finds already stored).
     */
    async sealRound(input: { tenantId: string; taskId: string; sealedBefore: number }): Promise<SealRoundProgress> {
      const progress = await sealPending(input.tenantId);
      if (progress.more) return { ...progress, published: null };
      try {
        const publishing = publish({ tenantId: input.tenantId, taskId: input.taskId, sealed: input.sealedBefore + progress.sealed });
        publishing.catch(() => undefined);
        return { ...progress, published: await withinRound(publishing, deps.publishInRoundMs ?? PUBLISH_IN_ROUND_MS, deps.beatWhileWaitingMs) };
      } catch (error) {
        Context.current().log.warn('publishing the checkpoint failed; the workflow publishes it in an activity of its own', { error: (error as Error).message });
        return { ...progress, published: null };
      }
    },

    /** Creates the session's `integrity_seal` row, already running under this run (again: no-op). */
    async openSealTask(input: { tenantId: string; taskId: string; workflowId: string; runId: string }): Promise<void> {
      await deps.sealTasks.open(input.tenantId, input.taskId, { workflowId: input.workflowId, runId: input.runId });
    },
  };
}
