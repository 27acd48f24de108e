import type { Pool } from 'pg';
import { checkpointsRepository, type StoredCheckpoint } from '../../adapters/postgres/checkpoints-repository';
import { integrityRepository, type UnsealedReach } from '../../adapters/postgres/integrity-repository';
import { logsRepository } from '../../adapters/postgres/logs-repository';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import type { CheckpointStore } from '../../adapters/s3/checkpoint-store';
import { lookupRanges } from '../../domain/event-time-range';
import { sizedParts } from '../../domain/sized-parts';
import type { IntegrityKeys } from '../../domain/integrity/key-list';
import { signCheckpoint } from '../../domain/integrity/signed-checkpoint';
import { UNBOUNDED_EVENT_BYTES, type EventBytesBudget } from '../../platform/memory/event-bytes-budget';
import { appendLeaves } from './append-leaves';
import { READ_PART_LIMITS, STEP_HOLDS_AT_MOST, stepHolds, takeBatches } from './seal-step-size';
import { extendSubtrees } from './extend-subtrees';
import { rangeHashes } from './stored-tree';

export interface LogSealerDeps {
  pool: Pool;
  origin: string;
  keys: IntegrityKeys;
  checkpoints: CheckpointStore;
  /** The worker's budget of event text held at once, shared with its index runs (none elsewhere). */
  eventBytes?: EventBytesBudget;
}

export interface SealStep {
  sealed: number;
  treeSize: number;
  /** More ingest transactions are waiting than this step took. */
  more: boolean;
}

const BATCHES_PER_STEP = 500;
/** sealWaiting's bound: 1,000 steps of up to EVENTS_PER_STEP events. */
const MAX_STEPS_WAITING = 1000;

/**
 * Appends a tenant's committed, unsealed events to its Merkle log. One step is one transaction under
 * the tenant's lock: seq numbers, leaves, the batches' sealed marks and completed subtrees commit
 * together or not at all, so a crash mid-step leaves no gap and a retry reuses no seq.
 */
export function createLogSealer(deps: LogSealerDeps) {
  const eventBytes = deps.eventBytes ?? UNBOUNDED_EVENT_BYTES;
  async function sealStep(tenantId: string, reach: UnsealedReach = 'recent'): Promise<SealStep> {
    // Its share of the worker's event budget is taken before a connection, as an index run takes
    // its own: a step holding a connection while waiting for the budget, and index runs holding the
    // budget while waiting for a connection, would wait on each other for good. The share is what
    // the waiting events weigh, not the most a step may hold: four tenants sealing small events
    // each took 8 MiB of the 16 and waited 1.5-4 s in turn for one another under a bulk load.
    const waiting = await withTenantTx(deps.pool, tenantId, (tx) => integrityRepository(tx).unsealedBatches(tenantId, BATCHES_PER_STEP, reach));
    const share = stepHolds(takeBatches(waiting, STEP_HOLDS_AT_MOST));
    return eventBytes.holding(share, () => sealStepInTransaction(tenantId, share, reach));
  }

  async function sealStepInTransaction(tenantId: string, share: number, reach: UnsealedReach): Promise<SealStep> {
    return withTenantTx(deps.pool, tenantId, async (tx) => {
      const repo = integrityRepository(tx);
      await repo.lockLog(tenantId);
      const size = await repo.treeSize(tenantId);
      const waiting = await repo.unsealedBatches(tenantId, BATCHES_PER_STEP, reach);
      const batches = takeBatches(waiting, share);
      const idsOfBatch = await repo.unsealedLogIdsOf(tenantId, batches.map((batch) => batch.taskId));
      // A batch partly sealed already weighs its unsealed share.
      const sized = batches.map(({ events, bytes }, index) => {
        const ids = idsOfBatch[index] ?? [];
        return { ids, bytes: bytes === null || events === 0 ? null : (bytes * ids.length) / events };
      });
      const parts = sizedParts(sized, READ_PART_LIMITS);
      const within = lookupRanges(batches.map((batch) => batch.eventTimeRange));
      const hashes = await appendLeaves(repo, logsRepository(tx), tenantId, size, parts, within);
      await repo.markSealed(tenantId, batches);
      await extendSubtrees(repo, tenantId, size, size + hashes.length, hashes);
      return { sealed: hashes.length, treeSize: size + hashes.length, more: waiting.length > batches.length || waiting.length === BATCHES_PER_STEP };
    });
  }

  /**
   * Signs a checkpoint of the tree as it is now, unless the latest one already covers it; stores it
   * in PostgreSQL and writes its note to the archive bucket. Signing is deterministic (Ed25519 over
   * the same body), so a retry writes the same bytes.
   */
  async function checkpoint(tenantId: string): Promise<StoredCheckpoint | undefined> {
    return withTenantTx(deps.pool, tenantId, async (tx) => {
      const repo = integrityRepository(tx);
      const size = await repo.treeSize(tenantId);
      const checkpoints = checkpointsRepository(tx);
      const latest = await checkpoints.latestCheckpoint(tenantId);
      if (size === 0 || (latest && latest.tree_size >= size)) return latest;
      const [root] = await rangeHashes(repo, tenantId, [{ start: 0, end: size }]);
      const signed = signCheckpoint(deps.origin, tenantId, size, root as Buffer, deps.keys.signing);
      await deps.checkpoints.put(tenantId, size, signed.note);
      await checkpoints.insertCheckpoint(tenantId, signed);
      return checkpoints.latestCheckpoint(tenantId);
    });
  }

  /**
   * Seals everything waiting now, step after step (its callers heartbeat on a timer meanwhile), and
   * returns how many events it sealed. Safe beside the tenant's sealer workflow: each step takes the
   * tenant's lock, so the two take turns and neither skips or reuses a seq. Bounded, so a tenant
   * under constant ingest cannot keep the caller here. Once the recent backlog is sealed, it looks
   * over every age for ingest transactions that committed later than the sealer's margin after
   * later ones were sealed: the sealer's own steps never look back that far, so these callers (the
   * reconcile, the archive) are what seals them.
   */
  async function sealWaiting(tenantId: string): Promise<number> {
    let sealed = 0;
    let reach: UnsealedReach = 'recent';
    for (let steps = 0; steps < MAX_STEPS_WAITING; steps += 1) {
      const step = await sealStep(tenantId, reach);
      sealed += step.sealed;
      if (step.more) continue;
      if (reach === 'every-age') break;
      reach = 'every-age';
    }
    return sealed;
  }

  return { sealStep, checkpoint, sealWaiting };
}

export type LogSealer = ReturnType<typeof createLogSealer>;
