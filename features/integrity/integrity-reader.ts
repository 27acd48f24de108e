import type { Pool } from 'pg';
import { checkpointsRepository, withNote } from '../../adapters/postgres/checkpoints-repository';
import { integrityRepository } from '../../adapters/postgres/integrity-repository';
import { queriesInTurn } from '../../adapters/postgres/queries-in-turn';
import { logsRepository } from '../../adapters/postgres/logs-repository';
import { sealedSeqsOf } from '../../adapters/postgres/sealed-seqs';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import type { LogEvent } from '../../domain/log-event';
import { consistencyRanges, inclusionRanges } from '../../domain/integrity/merkle-proofs';
import { publicJwk, type PublicJwk, type VerifyingKey } from '../../domain/integrity/signing-keys';
import { rangeHashes } from './stored-tree';

export type CheckpointView = ReturnType<typeof withNote>;

export interface InclusionProofView {
  event: LogEvent & { seq: number };
  seq: number;
  leaf_hash: string;
  checkpoint: CheckpointView;
  inclusion: { leaf_index: number; tree_size: number; hashes: string[] };
}

export type ProofOutcome = { kind: 'found'; proof: InclusionProofView } | { kind: 'no-event' } | { kind: 'not-sealed-yet' };
export type ConsistencyOutcome = { kind: 'found'; proof: { first: number; second: number; hashes: string[] } } | { kind: 'no-checkpoint'; size: number };

const base64 = (hashes: readonly Buffer[]) => hashes.map((hash) => hash.toString('base64'));

/**
 * The event's row: in the one partition its sealed event_timestamp names when known, else (unsealed,
 * sealed before that was kept, or its row moved since) in every partition.
 */
async function findEvent(logs: ReturnType<typeof logsRepository>, tenantId: string, logId: string, at: Date | null | undefined): Promise<LogEvent | undefined> {
  return (at ? await logs.findById(tenantId, logId, at) : undefined) ?? logs.findById(tenantId, logId);
}

/** The read side of the tamper-evident log: keys, checkpoints and proofs, all from stored hashes. */
export function createIntegrityReader(deps: { pool: Pool; keys: readonly VerifyingKey[] }) {
  const inTenant = <T>(tenantId: string, work: (repo: ReturnType<typeof integrityRepository>, tx: Parameters<typeof integrityRepository>[0]) => Promise<T>) =>
    withTenantTx(deps.pool, tenantId, (tx) => work(integrityRepository(tx), tx));

  return {
    /** Every key whose checkpoints verify, retired ones included. */
    jwks(): { keys: PublicJwk[] } {
      return { keys: deps.keys.map(publicJwk) };
    },

    async latestCheckpoint(tenantId: string): Promise<CheckpointView | undefined> {
      const latest = await inTenant(tenantId, (_repo, tx) => checkpointsRepository(tx).latestCheckpoint(tenantId));
      return latest && withNote(latest, deps.keys);
    },

    async checkpoints(tenantId: string, page: number, pageSize: number): Promise<{ items: CheckpointView[]; total: number }> {
      const { items, total } = await inTenant(tenantId, (_repo, tx) => checkpointsRepository(tx).listCheckpoints(tenantId, pageSize, (page - 1) * pageSize));
      return { items: items.map((item) => withNote(item, deps.keys)), total };
    },

    /** Each sealed event's seq, for a page of search results (one round trip: it is on every search). */
    seqsOf(tenantId: string, logIds: readonly string[]): Promise<Map<string, number>> {
      return sealedSeqsOf(deps.pool, tenantId, logIds);
    },

    /** The event as GET /logs/{id} shows it, with its seq (null while unsealed); undefined when there is no such event. */
    async event(tenantId: string, logId: string): Promise<(LogEvent & { seq: number | null }) | undefined> {
      return inTenant(tenantId, async (repo, tx) => {
        const leaf = await repo.leafOf(tenantId, logId);
        const event = await findEvent(logsRepository(tx), tenantId, logId, leaf?.eventTimestamp);
        return event && { ...event, seq: leaf?.seq ?? null };
      });
    },

    /** RFC 9162 inclusion proof of the event against the latest checkpoint (which must cover it). */
    async inclusionProof(tenantId: string, logId: string): Promise<ProofOutcome> {
      return inTenant(tenantId, async (repo, tx) => {
        const logs = logsRepository(tx);
        const inTurn = queriesInTurn();
        const [leaf, checkpoint] = await Promise.all([inTurn(() => repo.leafOf(tenantId, logId)), inTurn(() => checkpointsRepository(tx).latestCheckpoint(tenantId))]);
        if (!leaf || !checkpoint || checkpoint.tree_size < leaf.seq) return (await logs.findById(tenantId, logId)) ? { kind: 'not-sealed-yet' } : { kind: 'no-event' };
        const index = leaf.seq - 1;
        const [event, hashes] = await Promise.all([
          inTurn(() => findEvent(logs, tenantId, logId, leaf.eventTimestamp)),
          inTurn(() => rangeHashes(repo, tenantId, inclusionRanges(index, checkpoint.tree_size))),
        ]);
        if (!event) return { kind: 'no-event' };
        return {
          kind: 'found',
          proof: {
            event: { ...event, seq: leaf.seq },
            seq: leaf.seq,
            leaf_hash: leaf.leafHash.toString('base64'),
            checkpoint: withNote(checkpoint, deps.keys),
            inclusion: { leaf_index: index, tree_size: checkpoint.tree_size, hashes: base64(hashes) },
          },
        };
      });
    },

    /** RFC 9162 consistency proof between two sizes that both have signed checkpoints. */
    async consistencyProof(tenantId: string, first: number, second: number): Promise<ConsistencyOutcome> {
      return inTenant(tenantId, async (repo, tx) => {
        const checkpoints = checkpointsRepository(tx);
        for (const size of [first, second]) if (!(await checkpoints.checkpointOfSize(tenantId, size))) return { kind: 'no-checkpoint', size };
        const hashes = await rangeHashes(repo, tenantId, consistencyRanges(first, second));
        return { kind: 'found', proof: { first, second, hashes: base64(hashes) } };
      });
    },
  };
}

export type IntegrityReader = ReturnType<typeof createIntegrityReader>;
