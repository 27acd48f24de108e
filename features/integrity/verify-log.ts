import type { Pool } from 'pg';
import { checkpointsRepository, type StoredCheckpoint } from '../../adapters/postgres/checkpoints-repository';
import { integrityRepository, type StoredLeaf } from '../../adapters/postgres/integrity-repository';
import { logsRepository } from '../../adapters/postgres/logs-repository';
import { storedEventParts } from '../../adapters/postgres/stored-event-parts';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import { archivedRowLeafHash, eventLeafHash } from '../../domain/integrity/event-leaf';
import { CompactRange } from '../../domain/integrity/merkle-hash';
import { checkpointFault } from '../../domain/integrity/signed-checkpoint';
import type { VerifyingKey } from '../../domain/integrity/signing-keys';
import { coveringRange, type EventTimeRange } from '../../domain/event-time-range';
import type { LogEvent } from '../../domain/log-event';
import { EVENT_PART_BYTES, UNBOUNDED_EVENT_BYTES, type EventBytesBudget } from '../../platform/memory/event-bytes-budget';
import type { ArchivedRows } from './archived-rows';
import { lowestSeqProblems } from './lowest-seq-problems';
import { SeqBits } from '../../domain/integrity/seq-bits';
import { isUuid } from '../../domain/uuid-text';
import { chunks } from '../../domain/chunks';

export const PROBLEM_KINDS = ['modified', 'missing', 'inserted', 'reordered', 'bad_signature', 'inconsistent_checkpoint'] as const;

export interface VerifyProblem {
  kind: (typeof PROBLEM_KINDS)[number];
  seq: number | null;
  id: string | null;
  detail: string;
}

export interface VerifyResult {
  events_checked: number;
  checkpoints_checked: number;
  tree_size: number;
  ok: boolean;
  /** The first MAX_PROBLEMS problems by seq (those without a seq last). */
  problems: VerifyProblem[];
  /** Every problem found, listed or not. */
  problems_count: number;
  /** Every problem found, listed or not, counted by kind; `{}` when there is none. */
  problems_by_kind: Record<string, number>;
}

export interface VerifyRange {
  from?: Date;
  to?: Date;
}

const PAGE = 2000;
const PART_LIMITS = { rows: PAGE, bytes: EVENT_PART_BYTES };
/** Problems listed in full; past this many the result says how many more there were. */
const MAX_PROBLEMS = 1000;
/** Mismatched leaves compared pairwise to tell a swap (reordered) from a modification. */
const MAX_PAIRED = 200;

interface Mismatch {
  seq: number;
  event: LogEvent;
  stored: Buffer;
}

const MODIFIED = 'the stored event no longer hashes to its sealed leaf';

const within = (event: LogEvent, range: VerifyRange) => {
  const at = Date.parse(event.event_timestamp);
  return (!range.from || at >= range.from.getTime()) && (!range.to || at < range.to.getTime());
};

/** Two mismatched leaves whose events fit each other's stored leaves were swapped: in position, or in content with their ids left in place. */
function swapped(a: Mismatch, b: Mismatch): boolean {
  const fits = (event: LogEvent, at: Mismatch) => eventLeafHash({ ...event, seq: at.seq }).equals(at.stored) || eventLeafHash({ ...event, id: at.event.id, seq: at.seq }).equals(at.stored);
  return fits(a.event, b) && fits(b.event, a);
}

function classify(mismatches: readonly Mismatch[]): VerifyProblem[] {
  const reordered = new Set<number>();
  const paired = mismatches.slice(0, MAX_PAIRED);
  for (let i = 0; i < paired.length; i += 1) {
    for (let j = i + 1; j < paired.length; j += 1) {
      const [a, b] = [paired[i] as Mismatch, paired[j] as Mismatch];
      if (!reordered.has(a.seq) && !reordered.has(b.seq) && swapped(a, b)) [a.seq, b.seq].forEach((seq) => reordered.add(seq));
    }
  }
  return mismatches.map(({ seq, event }) =>
    reordered.has(seq)
      ? { kind: 'reordered', seq, id: event.id, detail: 'the event fits the leaf of another position: two events were swapped' }
      : { kind: 'modified', seq, id: event.id, detail: MODIFIED },
  );
}

/**
 * Recomputes a tenant's log from PostgreSQL without trusting any hash it did not recompute: every
 * leaf of an event in range from the event itself, the tree from the stored leaves, every
 * checkpoint's signature against the configured keys and its root against the tree; and every
 * stored event that no leaf covers and no unsealed ingest transaction lists (a forged insert).
 */
export function createLogVerifier(deps: { pool: Pool; keys: readonly VerifyingKey[]; archive?: ArchivedRows; eventBytes?: EventBytesBudget }) {
  const eventBytes = deps.eventBytes ?? UNBOUNDED_EVENT_BYTES;
  const inTenant = <T>(tenantId: string, work: (tx: Parameters<typeof integrityRepository>[0]) => Promise<T>) => withTenantTx(deps.pool, tenantId, work);

  async function checkpointsOf(tenantId: string): Promise<StoredCheckpoint[]> {
    return inTenant(tenantId, (tx) => checkpointsRepository(tx).allCheckpoints(tenantId));
  }

  return async function verify(tenantId: string, range: VerifyRange, onPage: (done: number, total: number) => Promise<void>): Promise<VerifyResult> {
    const problems = lowestSeqProblems<VerifyProblem>(MAX_PROBLEMS);
    const checkpoints = await checkpointsOf(tenantId);
    const total = await inTenant(tenantId, (tx) => integrityRepository(tx).treeSize(tenantId));
    const rootsAt = new Map<number, Buffer>();
    const wanted = new Set(checkpoints.map((checkpoint) => checkpoint.tree_size));
    const tree = new CompactRange();
    const mismatches: Mismatch[] = [];
    /** Only the first MAX_PAIRED are kept with their events, to be told swapped or modified (classify compares no others); the rest are modified. */
    const addMismatch = (seq: number, event: LogEvent, stored: Buffer) => {
      if (mismatches.length < MAX_PAIRED) mismatches.push({ seq, event, stored });
      else problems.add({ kind: 'modified', seq, id: event.id, detail: MODIFIED });
    };
    /** Seqs of sealed events not in PostgreSQL: looked for in the archive parts after the pass. */
    const gone = new SeqBits();
    let eventsChecked = 0;
    let after = 0;
    for (;;) {
      const leaves = await inTenant(tenantId, (tx) => integrityRepository(tx).leavesAfter(tenantId, after, PAGE));
      if (leaves.length === 0) break;
      const leafOf = new Map(leaves.map((leaf) => [leaf.logId, leaf]));
      const found = new Set<string>();
      /**
       * Reads the events of `ids` in parts of about EVENT_PART_BYTES (2,000 events at the API's
       * limits are ~110 MB of text) and checks each against its leaf, in seq order.
       */
      const checkStored = async (ids: readonly string[], span: readonly EventTimeRange[]) => {
        const parts = await inTenant(tenantId, (tx) => storedEventParts(tx, tenantId, ids, PART_LIMITS, span));
        for (const part of parts) {
          const events = await eventBytes.holding(part.bytes, () => inTenant(tenantId, (tx) => logsRepository(tx).findByIds(tenantId, part.ids, span)));
          const byId = new Map(events.map((event) => [event.id, event]));
          for (const id of part.ids) {
            const event = byId.get(id);
            const leaf = leafOf.get(id) as StoredLeaf;
            if (!event) continue;
            found.add(id);
            if (!within(event, range)) continue;
            eventsChecked += 1;
            if (!eventLeafHash({ ...event, seq: leaf.seq }).equals(leaf.leafHash)) addMismatch(leaf.seq, event, leaf.leafHash);
          }
        }
      };
      // First only in the partitions of the event times the leaves were sealed with; then anywhere,
      // for the few not found there (gone, or moved by a changed event_timestamp: still "modified").
      // None when any leaf was sealed before leaves recorded their event time.
      const covering = coveringRange(leaves.map((leaf) => leaf.eventTimestamp?.getTime() ?? Number.NaN));
      const span = covering ? [covering] : [];
      await checkStored([...leafOf.keys()], span);
      const notFound = span.length > 0 ? [...leafOf.keys()].filter((id) => !found.has(id)) : [];
      if (notFound.length > 0) await checkStored(notFound, []);
      for (const leaf of leaves) {
        for (let gap = tree.size + 1; gap < leaf.seq; gap += 1) {
          problems.add({ kind: 'missing', seq: gap, id: null, detail: 'no leaf is stored at this seq' });
          tree.append(Buffer.alloc(32));
          if (wanted.has(tree.size)) rootsAt.set(tree.size, tree.root());
        }
        if (!found.has(leaf.logId)) gone.add(leaf.seq);
        tree.append(leaf.leafHash);
        if (wanted.has(tree.size)) rootsAt.set(tree.size, tree.root());
      }
      after = (leaves.at(-1) as StoredLeaf).seq;
      await onPage(after, total);
    }
    const archived = new SeqBits();
    if (gone.size > 0 && deps.archive) {
      // Checked batch by batch as the parts are read, none kept; the first copy of an event found is the one checked.
      const { unreadable } = await deps.archive.visitBatches(tenantId, PART_LIMITS, async (rows) => {
        const leafOf = await inTenant(tenantId, (tx) => integrityRepository(tx).leavesOf(tenantId, rows.map((row) => row.id).filter(isUuid)));
        for (const row of rows) {
          const leaf = leafOf.get(row.id);
          if (!leaf || !gone.has(leaf.seq) || archived.has(leaf.seq)) continue;
          archived.add(leaf.seq);
          if (!within(row, range)) continue;
          eventsChecked += 1;
          if (!archivedRowLeafHash(row, leaf.seq).equals(leaf.leafHash)) addMismatch(leaf.seq, row, leaf.leafHash);
        }
      });
      for (const key of unreadable) problems.add({ kind: 'missing', seq: null, id: null, detail: `archive part ${key} cannot be read` });
    }
    for (const seqs of chunks(gone.ascending(archived), PAGE)) {
      const idAt = await inTenant(tenantId, (tx) => integrityRepository(tx).logIdsAt(tenantId, seqs));
      for (const seq of seqs) problems.add({ kind: 'missing', seq, id: idAt.get(seq) ?? null, detail: 'the sealed event is neither stored nor archived' });
    }
    for (const problem of classify(mismatches)) problems.add(problem);

    for (const checkpoint of checkpoints) {
      const fault = checkpointFault(checkpoint, deps.keys);
      const root = rootsAt.get(checkpoint.tree_size);
      if (fault) problems.add({ kind: fault.kind, seq: checkpoint.tree_size, id: null, detail: `checkpoint of size ${checkpoint.tree_size}: ${fault.detail}` });
      else if (!root) problems.add({ kind: 'inconsistent_checkpoint', seq: checkpoint.tree_size, id: null, detail: `checkpoint of size ${checkpoint.tree_size} is larger than the log (${tree.size})` });
      else if (root.toString('base64') !== checkpoint.root_hash) {
        problems.add({ kind: 'inconsistent_checkpoint', seq: checkpoint.tree_size, id: null, detail: `checkpoint of size ${checkpoint.tree_size} signs a root the stored leaves do not give` });
      }
    }

    const unsealed = await inTenant(tenantId, (tx) => integrityRepository(tx).unrecordedEventIds(tenantId));
    for (const id of unsealed) problems.add({ kind: 'inserted', seq: null, id, detail: 'a stored event that no leaf covers and no ingest recorded' });

    return {
      events_checked: eventsChecked,
      checkpoints_checked: checkpoints.length,
      tree_size: tree.size,
      ok: problems.count === 0,
      problems: problems.list(),
      problems_count: problems.count,
      problems_by_kind: problems.byKind(),
    };
  };
}

export type LogVerifier = ReturnType<typeof createLogVerifier>;
