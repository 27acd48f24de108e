import { canonicalBytes } from './canonical-json';
import { leafHash } from './merkle-hash';

/**
 * An event's leaf: RFC 9162 leaf hash of the JCS bytes of the event exactly as the API returns it,
 * `seq` included, so the event cannot be moved to another position without changing its leaf.
 */
export function eventLeafHash<T extends { seq: number | null }>(event: T): Buffer {
  return leafHash(canonicalBytes(event));
}
