import { condition, continueAsNew, defineSignal, patched, proxyActivities, setHandler, sleep, uuid4, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/create-activities';
import type { SealInput, SealSession } from '../activities/integrity-activities';
import type { StoredCheckpoint } from '../adapters/postgres/checkpoints-repository';
import { checkpointing, sealing, statusUpdate } from './activity-presets';
import { runTask } from './task-run';

const { sealPendingEvents, sealRound: sealRoundInOne } = proxyActivities<Pick<Activities, 'sealPendingEvents' | 'sealRound'>>(sealing);
const { publishCheckpoint } = proxyActivities<Pick<Activities, 'publishCheckpoint'>>(checkpointing);
const { openSealTask } = proxyActivities<Pick<Activities, 'openSealTask'>>(statusUpdate);

/** Sent (with signalWithStart) after events of the tenant were committed. */
export const sealRequested = defineSignal('sealRequested');

export interface SealRunResult {
  from_seq: number | null;
  to_seq: number | null;
  tree_size: number;
  checkpoint: StoredCheckpoint | null;
}

/** Rounds before the run hands over to a fresh one, keeping its history short. */
const ROUNDS_PER_RUN = 200;
/**
 * A session (one `integrity_seal` task row) waits `idleSeconds` for the next request before it
 * ends, and ends at its first round past SESSION_SPAN_MS: a tenant under constant ingest writes
 * about four rows an hour, one with a trickle of events at most one per idle wait.
 */
const IDLE_SECONDS = 120;
const SESSION_SPAN_MS = 15 * 60_000;
/**
 * Rounds of one tenant begin at least this far apart. Under a stream of small ingest transactions
 * every bridge batch requests a seal, and back-to-back rounds cost two activities, a signature, an
 * S3 object and a checkpoint row each, per tenant and batch; spaced, requests that arrive meanwhile
 * are sealed together, and seal lag grows by at most this much.
 */
const ROUND_SPACING_MS = 1000;

/**
 * The one sealer of a tenant (workflow id `seal-<tenant>`): seals what is waiting, ends each round
 * with a signed checkpoint, and goes round again while requests arrive. A session spans runs
 * (continue-as-new) and shows as one `integrity_seal` task: progress = events sealed, result = the
 * seqs sealed and the last checkpoint. A request that arrives as a run completes is not lost:
 * Temporal refuses the completion and replays with it.
 */
export async function sealWorkflow(input: SealInput): Promise<SealRunResult> {
  let requested = true;
  setHandler(sealRequested, () => {
    requested = true;
  });
  const { tenantId, idleSeconds = IDLE_SECONDS } = input;
  const session: SealSession = input.session ?? { taskId: input.taskId ?? uuid4(), startedAt: Date.now(), sealed: 0, fromSeq: null };
  if (!input.session && !input.taskId) await openSealTask({ tenantId, taskId: session.taskId, workflowId: workflowInfo().workflowId, runId: workflowInfo().runId });
  let result: SealRunResult = { from_seq: session.fromSeq, to_seq: null, tree_size: 0, checkpoint: null };

  function count(progress: { sealed: number; treeSize: number }): void {
    if (progress.sealed > 0) session.fromSeq ??= progress.treeSize - progress.sealed + 1;
    session.sealed += progress.sealed;
  }

  async function sealRound(): Promise<void> {
    if (patched('seal-round-one-activity')) {
      let round: Awaited<ReturnType<typeof sealRoundInOne>>;
      do {
        round = await sealRoundInOne({ tenantId, taskId: session.taskId, sealedBefore: session.sealed });
        count(round);
      } while (round.more);
      const { treeSize, checkpoint } = round.published ?? (await publishCheckpoint({ tenantId, taskId: session.taskId, sealed: session.sealed }));
      result = { from_seq: session.fromSeq, to_seq: session.fromSeq === null ? null : treeSize, tree_size: treeSize, checkpoint };
      return;
    }
    let progress: { sealed: number; treeSize: number; more: boolean };
    do {
      progress = await sealPendingEvents({ tenantId });
      count(progress);
    } while (progress.more);
    const { treeSize, checkpoint } = await publishCheckpoint({ tenantId, taskId: session.taskId, sealed: session.sealed });
    result = { from_seq: session.fromSeq, to_seq: session.fromSeq === null ? null : treeSize, tree_size: treeSize, checkpoint };
  }

  await runTask(
    { tenantId, taskId: session.taskId },
    async () => {
      for (let rounds = 1; ; rounds += 1) {
        requested = false;
        const roundBegan = Date.now();
        await sealRound();
        if (Date.now() - session.startedAt >= SESSION_SPAN_MS) return;
        if (requested && (rounds >= ROUNDS_PER_RUN || workflowInfo().continueAsNewSuggested)) await continueAsNew<typeof sealWorkflow>({ tenantId, idleSeconds, session });
        if (!requested && !(await condition(() => requested, idleSeconds * 1000))) return;
        const spacing = roundBegan + ROUND_SPACING_MS - Date.now();
        if (spacing > 0 && patched('seal-round-spacing')) await sleep(spacing);
      }
    },
    { resultOf: () => ({ ...result }) },
  );
  // The session ended with events waiting: the next one begins in a fresh run, with a row of its own.
  if (requested) await continueAsNew<typeof sealWorkflow>({ tenantId, idleSeconds });
  return result;
}
