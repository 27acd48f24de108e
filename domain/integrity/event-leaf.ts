import type { ArchiveRow } from '../archive-row';
import { canonicalBytes } from './canonical-json';
import { leafHash } from './merkle-hash';

/**
 * An event's leaf: RFC 9162 leaf hash of the JCS bytes of the event exactly as the API returns it,
 * `seq` included, so the event cannot be moved to another position without changing its leaf.
 */
export function eventLeafHash<T extends { seq: number | null }>(event: T): Buffer {
  return leafHash(canonicalBytes(event));
}

/**
 * The leaf of an archived row, sealed at `sealedSeq`: archives written before sealing existed carry
 * no seq, so the leaf's own seq stands in; a row that carries one is hashed with it, so a row moved
 * to another position does not match.
 */
export function archivedRowLeafHash(row: ArchiveRow, sealedSeq: number): Buffer {
  return eventLeafHash({ ...row, seq: row.seq === undefined ? sealedSeq : row.seq });
}
