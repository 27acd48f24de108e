import { randomInt } from 'node:crypto';
import type { Pool } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { logsRepository } from '../../adapters/postgres/logs-repository';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import { SEVERITIES, type LogEvent } from '../../domain/log-event';
import type { NewLogRow } from '../../domain/log-event';
import type { LogIndexer } from '../../adapters/opensearch/log-indexer';

const ACTIONS = Array.from({ length: 30 }, (_, i) => `action.${i}`);
const RESOURCES = Array.from({ length: 10 }, (_, i) => `resource-${i}`);
const SEVERITY_WEIGHTS = [0.8, 0.12, 0.06, 0.02];

function pickSeverity() {
  let roll = Math.random();
  for (const [i, weight] of SEVERITY_WEIGHTS.entries()) {
    roll -= weight;
    if (roll < 0) return SEVERITIES[i] ?? 'INFO';
  }
  return 'INFO';
}

/** A plausible event somewhere in the `spanMs` before `endMs`. */
function syntheticRow(endMs: number, spanMs: number): NewLogRow {
  const at = new Date(endMs - randomInt(spanMs));
  return {
    id: uuidv7({ msecs: at.getTime() }),
    received_at: at,
    action: ACTIONS[randomInt(ACTIONS.length)] as string,
    severity: pickSeverity(),
    user_id: `user-${randomInt(500)}`,
    session_id: `session-${randomInt(5000)}`,
    resource: RESOURCES[randomInt(RESOURCES.length)] as string,
    resource_id: `r-${randomInt(100_000)}`,
    message: `synthetic event number ${randomInt(1_000_000)} for the statistics benchmark`,
    ip_address: `10.0.${randomInt(256)}.${randomInt(256)}`,
    user_agent: 'ops/bench/1.0',
    before_state: null,
    after_state: { status: 'ok' },
    metadata: { region: `eu-${randomInt(4)}`, attempt: randomInt(3) },
    event_timestamp: at,
    event_id: null,
    content_sha256: Buffer.alloc(32),
  };
}

export function toLogEvent(tenantId: string, row: NewLogRow): LogEvent {
  const { content_sha256: _hash, ...fields } = row;
  return { ...fields, tenant_id: tenantId, received_at: row.received_at.toISOString(), event_timestamp: row.event_timestamp.toISOString() };
}

/**
 * Writes `count` events spread over `spanMs` into PostgreSQL and OpenSearch, in bulk batches. The
 * span must lie within the event horizon, whose partitions provisioning has created.
 */
export async function seedEvents(pool: Pool, indexer: LogIndexer, tenantId: string, count: number, spanMs: number, endMs = Date.now()): Promise<void> {
  const batchSize = 5_000;
  for (let done = 0; done < count; done += batchSize) {
    const rows = Array.from({ length: Math.min(batchSize, count - done) }, () => syntheticRow(endMs, spanMs));
    await withTenantTx(pool, tenantId, (tx) => logsRepository(tx).insertMany(tenantId, rows));
    const events = rows.map((row) => toLogEvent(tenantId, row));
    for (let start = 0; start < events.length; start += 2_500) await indexer.indexAll(tenantId, events.slice(start, start + 2_500));
    if ((done / batchSize) % 10 === 0) console.log(`  seeded ${done + rows.length}/${count}`);
  }
}
