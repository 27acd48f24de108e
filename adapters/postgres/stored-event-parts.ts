import type { EventTimeRange } from '../../domain/event-time-range';
import { sizedParts, type PartLimits, type SizedPart } from '../../domain/sized-parts';
import { logsRepository } from './logs-repository';
import type { TenantTx } from './tenant-transaction';

/** Ids whose sizes one query looks up, at most. */
const SIZE_LOOKUP = 5000;

/**
 * `ids` in order, cut into parts of at most `limits.rows` events and about `limits.bytes` characters
 * of their JSON, weighed from their rows (EVENT_TEXT_BYTES); an id without a row weighs nothing.
 * For readers whose ids carry no size (a reconcile's missing documents, a verify's leaves): read
 * by a row count alone, 1,000 events at the API's limits are ~56 MB of text. `within` limits the
 * lookup to those partitions (an id whose row lies outside weighs nothing).
 */
export async function storedEventParts(tx: TenantTx, tenantId: string, ids: readonly string[], limits: PartLimits, within: readonly EventTimeRange[] = []): Promise<SizedPart[]> {
  const bytes = new Map<string, number>();
  for (let start = 0; start < ids.length; start += SIZE_LOOKUP) {
    for (const [id, size] of await logsRepository(tx).textBytesOf(tenantId, ids.slice(start, start + SIZE_LOOKUP), within)) bytes.set(id, size);
  }
  return sizedParts(
    ids.map((id) => ({ ids: [id], bytes: bytes.get(id.toLowerCase()) ?? 0 })),
    limits,
  );
}
