import type { IntegrityRepository, NewLeaf } from '../../adapters/postgres/integrity-repository';
import type { logsRepository } from '../../adapters/postgres/logs-repository';
import { queriesInTurn } from '../../adapters/postgres/queries-in-turn';
import type { EventTimeRange } from '../../domain/event-time-range';
import { eventLeafHash } from '../../domain/integrity/event-leaf';

/** Events read per query: PostgreSQL reads the next part while this process hashes one. */
const READ_PART = 1000;

/**
 * Appends leaves for the events `ids` names, in that order, from seq `size + 1`, and returns their
 * hashes. Events are read as column text turned into the API's shape (findApiShapedByIds). The
 * parts' reads are queued on the transaction's connection in turn, so PostgreSQL reads part k + 1
 * while this process canonicalises and hashes part k; the leaves go in as one insert. Ids whose row is gone (deleted before it was sealed) get no leaf; seqs stay consecutive.
 */
export async function appendLeaves(
  repo: IntegrityRepository,
  logs: ReturnType<typeof logsRepository>,
  tenantId: string,
  size: number,
  ids: readonly string[],
  within: readonly EventTimeRange[],
): Promise<Buffer[]> {
  const inTurn = queriesInTurn();
  const parts = Array.from({ length: Math.ceil(ids.length / READ_PART) }, (_, index) => ids.slice(index * READ_PART, (index + 1) * READ_PART));
  const reads = parts.map((part) => inTurn(() => logs.findApiShapedByIds(tenantId, part, within)));
  const leaves: NewLeaf[] = [];
  for (const [index, part] of parts.entries()) {
    const events = new Map((await (reads[index] as (typeof reads)[number])).map((event) => [event.id, event]));
    for (const logId of part) {
      const event = events.get(logId);
      if (!event) continue;
      // The parsed event is this function's own: seq goes onto it rather than into a copy.
      const sealed = Object.assign(event, { seq: size + leaves.length + 1 });
      leaves.push({ seq: sealed.seq, logId, leafHash: eventLeafHash(sealed), eventTimestamp: event.event_timestamp });
    }
  }
  await repo.insertLeaves(tenantId, leaves);
  return leaves.map((leaf) => leaf.leafHash);
}
