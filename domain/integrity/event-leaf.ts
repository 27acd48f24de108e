import canonicalize from 'canonicalize';
import type { ArchiveRow } from '../archive-row';
import { canonicalBytes } from './canonical-json';
import { SEALED_EVENT_KEYS } from './event-column-texts';
import { leafHash, leafHashOfText } from './merkle-hash';

/** The members of a sealed event (the API's event plus `seq`), in the order JCS sorts them (UTF-16 code units). */
const MEMBER_PREFIXES = SEALED_EVENT_KEYS.map((key, index) => `${index === 0 ? '{' : ','}${JSON.stringify(key)}:`);

/**
 * JCS of an object with exactly SEALED_EVENT_KEYS, every one defined: the top level's order is known, so
 * only nested values go through the generic canonicaliser (a string is its JSON.stringify, as in
 * JCS). Any other shape answers undefined and is canonicalised generically.
 */
function canonicalEventText(event: Readonly<Record<string, unknown>>): string | undefined {
  if (Object.keys(event).length !== SEALED_EVENT_KEYS.length) return undefined;
  let text = '';
  for (let index = 0; index < SEALED_EVENT_KEYS.length; index += 1) {
    const value = event[SEALED_EVENT_KEYS[index] as string];
    if (value === undefined || typeof value === 'symbol' || !Object.hasOwn(event, SEALED_EVENT_KEYS[index] as string)) return undefined;
    const member = typeof value === 'string' ? JSON.stringify(value) : canonicalize(value);
    if (member === undefined) return undefined;
    text += (MEMBER_PREFIXES[index] as string) + member;
  }
  return `${text}}`;
}

/**
 * An event's leaf: RFC 9162 leaf hash of the JCS bytes of the event exactly as the API returns it,
 * `seq` included, so the event cannot be moved to another position without changing its leaf.
 */
export function eventLeafHash<T extends { seq: number | null }>(event: T): Buffer {
  const text = canonicalEventText(event as unknown as Record<string, unknown>);
  return text === undefined ? leafHash(canonicalBytes(event)) : leafHashOfText(text);
}

/**
 * The leaf of an archived row, sealed at `sealedSeq`. A row archived before it was sealed carries
 * `seq: null` (or no seq, in archives older than sealing), and the sealer may still seal it before
 * the cleanup deletes it: the leaf's own seq stands in, which binds the row to that position as
 * much as a seq in the line would. A row that carries a seq is hashed with it, so a row moved to
 * another position does not match.
 */
export function archivedRowLeafHash(row: ArchiveRow, sealedSeq: number): Buffer {
  return eventLeafHash({ ...row, seq: row.seq ?? sealedSeq });
}
