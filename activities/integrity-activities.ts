import { Context } from '@temporalio/activity';
import type { LogSealer } from '../features/integrity/log-sealer';

export interface SealInput {
  tenantId: string;
}

export interface SealProgress {
  sealed: number;
  treeSize: number;
  /** Events are still waiting: the activity stopped at its step limit. */
  more: boolean;
}

/** Steps one activity takes before handing back to the workflow (so its history shows progress). */
const STEPS_PER_ACTIVITY = 100;

export function createIntegrityActivities(deps: { sealer: LogSealer }) {
  return {
    /** Seals what is waiting, one transaction per step, heartbeating after each; a retry just continues where the log is. */
    async sealPendingEvents(input: SealInput): Promise<SealProgress> {
      const context = Context.current();
      let sealed = 0;
      let treeSize = 0;
      for (let steps = 0; steps < STEPS_PER_ACTIVITY; steps += 1) {
        const step = await deps.sealer.sealStep(input.tenantId);
        sealed += step.sealed;
        treeSize = step.treeSize;
        context.heartbeat(treeSize);
        if (!step.more) return { sealed, treeSize, more: false };
      }
      return { sealed, treeSize, more: true };
    },

    /** Signs and stores a checkpoint of the tree's current size (nothing when the latest covers it). */
    async publishCheckpoint(input: SealInput): Promise<{ treeSize: number }> {
      const checkpoint = await deps.sealer.checkpoint(input.tenantId);
      return { treeSize: checkpoint?.tree_size ?? 0 };
    },
  };
}
