import { expect } from 'chai';
import { DefaultLogger } from '@temporalio/worker';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createIntegrityActivities } from '../../activities/integrity-activities';
import type { StoredCheckpoint } from '../../adapters/postgres/checkpoints-repository';
import type { LogSealer } from '../../features/integrity/log-sealer';
import type { SealTasks } from '../../features/integrity/seal-tasks';

const TENANT = '0190a6c4-0000-7000-8000-000000000001';
const TASK = '0190a6c4-0000-7000-8000-0000000000aa';

/** A sealer whose log holds `waiting` events, sealed `perStep` at a time, and whose checkpoint may fail. */
function fakeSealer(waiting: number, perStep: number, checkpointFails: boolean | 'hangs') {
  let treeSize = 0;
  const sealer = {
    async sealStep() {
      const sealed = Math.min(perStep, waiting - treeSize);
      treeSize += sealed;
      return { sealed, treeSize, more: treeSize < waiting };
    },
    async checkpoint() {
      if (checkpointFails === 'hangs') return new Promise(() => undefined);
      if (checkpointFails) throw new Error('S3 unreachable');
      return { tree_size: treeSize } as StoredCheckpoint;
    },
  } as unknown as LogSealer;
  return sealer;
}

function activities(sealer: LogSealer, progress: number[]) {
  const sealTasks = { recordProgress: async (_t: string, _id: string, sealed: number) => void progress.push(sealed) } as unknown as SealTasks;
  return createIntegrityActivities({ sealer, sealTasks, publishInRoundMs: 200 });
}

const run = <T>(work: () => Promise<T>) => new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') }).run(work) as Promise<T>;

describe('sealRound activity: a round of a small backlog is one activity', () => {
  it('seals what is waiting and publishes the checkpoint in the same attempt, counting the session before it', async () => {
    const progress: number[] = [];
    const { sealRound } = activities(fakeSealer(7, 5, false), progress);
    const round = await run(() => sealRound({ tenantId: TENANT, taskId: TASK, sealedBefore: 10 }));
    expect(round).to.deep.include({ sealed: 7, treeSize: 7, more: false });
    expect(round.published?.treeSize).to.equal(7);
    expect(progress).to.deep.equal([17]);
  });

  it('leaves publishing to the workflow while events are still waiting past its step limit', async () => {
    const progress: number[] = [];
    const { sealRound } = activities(fakeSealer(1000, 1, false), progress);
    const round = await run(() => sealRound({ tenantId: TENANT, taskId: TASK, sealedBefore: 0 }));
    expect(round).to.deep.include({ sealed: 100, more: true, published: null });
    expect(progress).to.deep.equal([]);
  });

  it('keeps the events it sealed counted when publishing fails, and answers without a checkpoint instead of failing the round', async () => {
    const progress: number[] = [];
    const { sealRound } = activities(fakeSealer(3, 5, true), progress);
    const round = await run(() => sealRound({ tenantId: TENANT, taskId: TASK, sealedBefore: 0 }));
    expect(round).to.deep.include({ sealed: 3, treeSize: 3, more: false, published: null });
    expect(progress).to.deep.equal([]);
  });

  it('does not wait on a hanging bucket past its bound: the events it sealed stay counted, the checkpoint is left to the workflow', async () => {
    const progress: number[] = [];
    const { sealRound } = activities(fakeSealer(4, 5, 'hangs'), progress);
    const round = await run(() => sealRound({ tenantId: TENANT, taskId: TASK, sealedBefore: 0 }));
    expect(round).to.deep.include({ sealed: 4, treeSize: 4, more: false, published: null });
  });

  it('heartbeats while a slow step runs, not only when it ends, so a step longer than the heartbeat timeout keeps its attempt', async () => {
    let treeSize = 0;
    const slowSealer = {
      async sealStep() {
        await new Promise((resolve) => setTimeout(resolve, 400));
        treeSize = 3;
        return { sealed: 3, treeSize, more: false };
      },
      async checkpoint() {
        return { tree_size: treeSize } as StoredCheckpoint;
      },
    } as unknown as LogSealer;
    const sealTasks = { recordProgress: async () => undefined } as unknown as SealTasks;
    const { sealPendingEvents } = createIntegrityActivities({ sealer: slowSealer, sealTasks, beatWhileWaitingMs: 50 });
    const environment = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });
    const beats: unknown[] = [];
    environment.on('heartbeat', (details: unknown) => beats.push(details));
    const progress = await environment.run(() => sealPendingEvents({ tenantId: TENANT }));
    expect(progress).to.deep.equal({ sealed: 3, treeSize: 3, more: false });
    // Beats during the step carry the tree size before it (0); the one after it, the size it reached.
    expect(beats.filter((details) => details === 0).length).to.be.at.least(4);
    expect(beats.at(-1)).to.equal(3);
  });
});
