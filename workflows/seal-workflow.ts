import { continueAsNew, defineSignal, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/create-activities';
import type { SealInput } from '../activities/integrity-activities';
import { checkpointing, sealing } from './activity-presets';

const { sealPendingEvents } = proxyActivities<Pick<Activities, 'sealPendingEvents'>>(sealing);
const { publishCheckpoint } = proxyActivities<Pick<Activities, 'publishCheckpoint'>>(checkpointing);

/** Sent (with signalWithStart) after events of the tenant were committed. */
export const sealRequested = defineSignal('sealRequested');

export interface SealRunResult {
  sealed: number;
  treeSize: number;
  rounds: number;
}

/** Rounds before the run hands over to a fresh one, keeping its history short. */
const ROUNDS_PER_RUN = 200;

/**
 * The one sealer of a tenant (workflow id `seal-<tenant>`): seals what is waiting, ends the round
 * with a signed checkpoint, and goes round again while requests arrived meanwhile. A request that
 * arrives as the run completes is not lost: Temporal refuses the completion and replays with it.
 */
export async function sealWorkflow(input: SealInput): Promise<SealRunResult> {
  let requested = true;
  setHandler(sealRequested, () => {
    requested = true;
  });
  let [sealed, treeSize, rounds] = [0, 0, 0];
  while (requested) {
    requested = false;
    let progress = await sealPendingEvents(input);
    sealed += progress.sealed;
    while (progress.more) {
      progress = await sealPendingEvents(input);
      sealed += progress.sealed;
    }
    ({ treeSize } = await publishCheckpoint(input));
    rounds += 1;
    if (requested && (rounds >= ROUNDS_PER_RUN || workflowInfo().continueAsNewSuggested)) await continueAsNew<typeof sealWorkflow>(input);
  }
  return { sealed, treeSize, rounds };
}
