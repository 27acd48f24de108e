import type { RowKey } from '../domain/archive-row';
import { ArchiveIntegrityError } from '../adapters/s3/errors';
import type { ArchivePartRecord } from '../domain/archive-row';

/** What the archive activity heartbeats: where it stands, and the part it is writing. */
export interface ArchiveHeartbeat {
  partsDone: number;
  rowsDone: number;
  after: RowKey | null;
  writing?: { part: number; rows: number; last: RowKey };
}

export interface ResumePoint {
  partsDone: number;
  rowsDone: number;
  after: RowKey | undefined;
}

const partsDoneIn = (details: unknown): number | undefined => {
  const value = (details as Partial<ArchiveHeartbeat> | undefined)?.partsDone;
  return typeof value === 'number' ? value : undefined;
};

/**
 * Where a (re)started archive continues. A retried attempt finds its last heartbeat; a retried task
 * starts a new workflow run with none. Both resume after the last part recorded as uploaded and
 * read back: the heartbeat is throttled and can lag a part behind the records, but it can never be
 * ahead of them, because a part is recorded before the heartbeat that counts it.
 */
export function resumePoint(recorded: readonly ArchivePartRecord[], heartbeatDetails: unknown): ResumePoint {
  recorded.forEach((part, index) => {
    if (part.partNumber !== index + 1) throw new ArchiveIntegrityError(`archive part ${index + 1} is missing from the records (found part ${part.partNumber})`);
  });
  const fromHeartbeat = partsDoneIn(heartbeatDetails);
  if (fromHeartbeat !== undefined && fromHeartbeat > recorded.length) {
    throw new ArchiveIntegrityError(`the last heartbeat counts ${fromHeartbeat} parts done but only ${recorded.length} are recorded`);
  }
  return {
    partsDone: recorded.length,
    rowsDone: recorded.reduce((sum, part) => sum + part.rows, 0),
    after: recorded.at(-1)?.last,
  };
}
