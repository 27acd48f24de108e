import type { IntegrityRepository, NewLeaf } from '../../adapters/postgres/integrity-repository';
import type { logsRepository } from '../../adapters/postgres/logs-repository';
import { queriesInTurn } from '../../adapters/postgres/queries-in-turn';
import type { EventTimeRange } from '../../domain/event-time-range';
import type { SizedPart } from '../../domain/sized-parts';
import { EVENT_COLUMN_FIELDS, eventColumnsLeafHash, eventTimestampOfColumnTexts, type EventColumnTexts } from '../../domain/integrity/event-column-texts';

/** Parts read but not yet hashed, at most: the one being hashed and the next. */
export const READ_AHEAD = 2;

const ID_COLUMN = EVENT_COLUMN_FIELDS.indexOf('id');

/**
 * Appends leaves for the events the parts name (one query each; log-sealer.ts sizes them), in that
 * order, from seq `size + 1`, and returns their hashes. Events are read as the text of their
 * columns and hashed from it (eventColumnsLeafHash).
 * Every query goes on the transaction's connection in turn: part k + 1 is read while this process
 * hashes part k, and each part's leaves are inserted as soon as they are hashed, while the next
 * part is hashed; only the last insert is waited for. Ids whose row is gone (deleted before it was
 * sealed) get no leaf; seqs stay consecutive.
 *
 * Reads stay at most READ_AHEAD parts ahead of the hashing: PostgreSQL reads faster than this
 * process hashes, and a step's 25,000 rows read at once held ~30 MB of column texts per tenant.
 * Four tenants sealing at once took the worker past its 128 MB old space under the benchmark's
 * bulk load (heap snapshot: 1.1 million strings, 78 MB).
 */
export async function appendLeaves(
  repo: IntegrityRepository,
  logs: ReturnType<typeof logsRepository>,
  tenantId: string,
  size: number,
  parts: readonly SizedPart[],
  within: readonly EventTimeRange[],
): Promise<Buffer[]> {
  const inTurn = queriesInTurn();
  /** The reads sent and not yet hashed, by part: never more than READ_AHEAD. */
  const reads = new Map<number, Promise<EventColumnTexts[]>>();
  const readPart = (index: number) => {
    const part = parts[index];
    if (part && !reads.has(index)) reads.set(index, inTurn(() => logs.findColumnTextsByIds(tenantId, part.ids, within)));
  };
  const inserts: Promise<void>[] = [];
  const hashes: Buffer[] = [];
  try {
    for (const [index, { ids: part }] of parts.entries()) {
      for (let ahead = index; ahead < index + READ_AHEAD; ahead += 1) readPart(ahead);
      const rows = new Map((await (reads.get(index) as Promise<EventColumnTexts[]>)).map((columns) => [columns[ID_COLUMN] as string, columns]));
      reads.delete(index);
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
    await Promise.allSettled([...reads.values(), ...inserts]);
  }
  await Promise.all(inserts);
  return hashes;
}
