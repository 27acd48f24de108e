import type { Pool } from 'pg';
import { integrityRepository, type StoredCheckpoint, type StoredLeaf } from '../../adapters/postgres/integrity-repository';
import { logsRepository } from '../../adapters/postgres/logs-repository';
import { storedEventParts } from '../../adapters/postgres/stored-event-parts';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import { archivedRowLeafHash, eventLeafHash } from '../../domain/integrity/event-leaf';
import { CompactRange } from '../../domain/integrity/merkle-hash';
import { checkpointFault } from '../../domain/integrity/signed-checkpoint';
import type { VerifyingKey } from '../../domain/integrity/signing-keys';
import type { LogEvent } from '../../domain/log-event';
import { EVENT_PART_BYTES, UNBOUNDED_EVENT_BYTES, type EventBytesBudget } from '../../platform/memory/event-bytes-budget';
import type { ArchivedRows } from './archived-rows';

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
  problems: VerifyProblem[];
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

type Mismatch = { seq: number; event: LogEvent; stored: Buffer } | { seq: number; id: string };
type PairedMismatch = Extract<Mismatch, { event: LogEvent }>;

const within = (event: LogEvent, range: VerifyRange) => {
  const at = Date.parse(event.event_timestamp);
  return (!range.from || at >= range.from.getTime()) && (!range.to || at < range.to.getTime());
};

/** Two mismatched leaves whose events fit each other's stored leaves were swapped: in position, or in content with their ids left in place. */
function swapped(a: PairedMismatch, b: PairedMismatch): boolean {
  const fits = (event: LogEvent, at: PairedMismatch) => eventLeafHash({ ...event, seq: at.seq }).equals(at.stored) || eventLeafHash({ ...event, id: at.event.id, seq: at.seq }).equals(at.stored);
  return fits(a.event, b) && fits(b.event, a);
}

function classify(mismatches: readonly Mismatch[]): VerifyProblem[] {
  const reordered = new Set<number>();
  const paired = mismatches.slice(0, MAX_PAIRED).filter((mismatch): mismatch is PairedMismatch => 'event' in mismatch);
  for (let i = 0; i < paired.length; i += 1) {
    for (let j = i + 1; j < paired.length; j += 1) {
      const [a, b] = [paired[i] as PairedMismatch, paired[j] as PairedMismatch];
      if (!reordered.has(a.seq) && !reordered.has(b.seq) && swapped(a, b)) [a.seq, b.seq].forEach((seq) => reordered.add(seq));
    }
  }
  return mismatches.map((mismatch) => {
    const { seq } = mismatch;
    const id = 'event' in mismatch ? mismatch.event.id : mismatch.id;
    return reordered.has(seq)
      ? { kind: 'reordered', seq, id, detail: 'the event fits the leaf of another position: two events were swapped' }
      : { kind: 'modified', seq, id, detail: 'the stored event no longer hashes to its sealed leaf' };
  });
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
    return inTenant(tenantId, (tx) => integrityRepository(tx).allCheckpoints(tenantId));
  }

  return async function verify(tenantId: string, range: VerifyRange, onPage: (done: number, total: number) => Promise<void>): Promise<VerifyResult> {
    const problems: VerifyProblem[] = [];
    const checkpoints = await checkpointsOf(tenantId);
    const total = await inTenant(tenantId, (tx) => integrityRepository(tx).treeSize(tenantId));
    const rootsAt = new Map<number, Buffer>();
    const wanted = new Set(checkpoints.map((checkpoint) => checkpoint.tree_size));
    const tree = new CompactRange();
    const mismatches: Mismatch[] = [];
    /** Only the first MAX_PAIRED keep their event (classify compares no others): a log tampered throughout must not fill the heap. */
    const addMismatch = (seq: number, event: LogEvent, stored: Buffer) => {
      mismatches.push(mismatches.length < MAX_PAIRED ? { seq, event, stored } : { seq, id: event.id });
    };
    /** Sealed events not in PostgreSQL: looked for in the archive parts after the pass. */
    const gone = new Map<string, StoredLeaf>();
    let eventsChecked = 0;
    let after = 0;
    for (;;) {
      const leaves = await inTenant(tenantId, (tx) => integrityRepository(tx).leavesAfter(tenantId, after, PAGE));
      if (leaves.length === 0) break;
      const leafOf = new Map(leaves.map((leaf) => [leaf.logId, leaf]));
      const found = new Set<string>();
      // The page's events are read in parts of about EVENT_PART_BYTES and checked part by part, in
      // seq order: 2,000 events at the API's limits are ~110 MB of text.
      const parts = await inTenant(tenantId, (tx) => storedEventParts(tx, tenantId, [...leafOf.keys()], PART_LIMITS));
      for (const part of parts) {
        const events = await eventBytes.holding(part.bytes, () => inTenant(tenantId, (tx) => logsRepository(tx).findByIds(tenantId, part.ids)));
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
      for (const leaf of leaves) {
        for (let gap = tree.size + 1; gap < leaf.seq; gap += 1) {
          problems.push({ kind: 'missing', seq: gap, id: null, detail: 'no leaf is stored at this seq' });
          tree.append(Buffer.alloc(32));
          if (wanted.has(tree.size)) rootsAt.set(tree.size, tree.root());
        }
        if (!found.has(leaf.logId)) gone.set(leaf.logId, leaf);
        tree.append(leaf.leafHash);
        if (wanted.has(tree.size)) rootsAt.set(tree.size, tree.root());
      }
      after = (leaves.at(-1) as StoredLeaf).seq;
      await onPage(after, total);
    }
    if (gone.size > 0 && deps.archive) {
      const archived = await deps.archive.find(tenantId, new Set(gone.keys()));
      for (const [id, row] of archived.rows) {
        const leaf = gone.get(id) as StoredLeaf;
        gone.delete(id);
        if (!within(row, range)) continue;
        eventsChecked += 1;
        if (!archivedRowLeafHash(row, leaf.seq).equals(leaf.leafHash)) addMismatch(leaf.seq, row, leaf.leafHash);
      }
      for (const key of archived.unreadable) problems.push({ kind: 'missing', seq: null, id: null, detail: `archive part ${key} cannot be read` });
    }
    for (const leaf of gone.values()) problems.push({ kind: 'missing', seq: leaf.seq, id: leaf.logId, detail: 'the sealed event is neither stored nor archived' });
    problems.push(...classify(mismatches));

    for (const checkpoint of checkpoints) {
      const fault = checkpointFault(checkpoint, deps.keys);
      const root = rootsAt.get(checkpoint.tree_size);
      if (fault) problems.push({ kind: fault.kind, seq: checkpoint.tree_size, id: null, detail: `checkpoint of size ${checkpoint.tree_size}: ${fault.detail}` });
      else if (!root) problems.push({ kind: 'inconsistent_checkpoint', seq: checkpoint.tree_size, id: null, detail: `checkpoint of size ${checkpoint.tree_size} is larger than the log (${tree.size})` });
      else if (root.toString('base64') !== checkpoint.root_hash) {
        problems.push({ kind: 'inconsistent_checkpoint', seq: checkpoint.tree_size, id: null, detail: `checkpoint of size ${checkpoint.tree_size} signs a root the stored leaves do not give` });
      }
    }

    const unsealed = await inTenant(tenantId, async (tx) => {
      const repo = integrityRepository(tx);
      const ids = await repo.unsealedEventIds(tenantId);
      const pending = ids.length > 0 ? await repo.pendingLogIds(tenantId) : new Set<string>();
      return ids.filter((id) => !pending.has(id));
    });
    for (const id of unsealed) problems.push({ kind: 'inserted', seq: null, id, detail: 'a stored event that no leaf covers and no ingest recorded' });

    problems.sort((a, b) => (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER));
    return {
      events_checked: eventsChecked,
      checkpoints_checked: checkpoints.length,
      tree_size: tree.size,
      ok: problems.length === 0,
      problems: problems.slice(0, MAX_PROBLEMS),
    };
  };
}

export type LogVerifier = ReturnType<typeof createLogVerifier>;
