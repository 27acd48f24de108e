import type { IntegrityRepository, NewLeaf } from '../../adapters/postgres/integrity-repository';
import type { logsRepository } from '../../adapters/postgres/logs-repository';
import { queriesInTurn } from '../../adapters/postgres/queries-in-turn';
import type { EventTimeRange } from '../../domain/event-time-range';
import { EVENT_COLUMN_FIELDS, eventColumnsLeafHash, eventTimestampOfColumnTexts } from '../../domain/integrity/event-column-texts';

/** Events read per query: PostgreSQL reads the next part while this process hashes one. */
const READ_PART = 2500;

const ID_COLUMN = EVENT_COLUMN_FIELDS.indexOf('id');

/**
 * Appends leaves for the events `ids` names, in that order, from seq `size + 1`, and returns their
 * hashes. Events are read as the text of their columns and hashed from it (eventColumnsLeafHash).
 * Every query goes on the transaction's connection in turn: the parts' reads first, so PostgreSQL
 * reads part k + 1 while this process hashes part k, then each part's leaves as soon as they are
 * hashed, so PostgreSQL inserts them while the next part is hashed and only the last insert is
 * waited for. Ids whose row is gone (deleted before it was sealed) get no leaf; seqs stay consecutive.
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
  const reads = parts.map((part) => inTurn(() => logs.findColumnTextsByIds(tenantId, part, within)));
  const inserts: Promise<void>[] = [];
  const hashes: Buffer[] = [];
  try {
    for (const [index, part] of parts.entries()) {
      const rows = new Map((await (reads[index] as (typeof reads)[number])).map((columns) => [columns[ID_COLUMN] as string, columns]));
      const leaves: NewLeaf[] = [];
      for (const logId of part) {
        const columns = rows.get(logId);
        if (!columns) continue;
        const seq = size + hashes.length + 1;
        const leafHash = eventColumnsLeafHash(columns, seq);
        hashes.push(leafHash);
        leaves.push({ seq, logId, leafHash, eventTimestamp: eventTimestampOfColumnTexts(columns) });
      }
      inserts.push(inTurn(() => repo.insertLeaves(tenantId, leaves)));
    }
  } finally {
    // Whatever happened, nothing may still run on the connection when the transaction ends.
    await Promise.allSettled([...reads, ...inserts]);
  }
  await Promise.all(inserts);
  return hashes;
}
