import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { logsRepository } from '../../../adapters/postgres/logs-repository';
import { tasksRepository } from '../../../adapters/postgres/tasks-repository';
import { withTenantTx } from '../../../adapters/postgres/tenant-transaction';
import { reindexPayload } from '../../../domain/event-time-range';
import { eventColumnsLeafHash, type EventColumnTexts } from '../../../domain/integrity/event-column-texts';
import { eventLeafHash } from '../../../domain/integrity/event-leaf';
import type { LogEvent } from '../../../domain/log-event';
import { treeHash } from '../../../domain/integrity/merkle-hash';
import type { VerifyingKey } from '../../../domain/integrity/signing-keys';
import type { LogSealer } from '../../../features/integrity/log-sealer';
import { createLogVerifier } from '../../../features/integrity/verify-log';
import { toNewLogRow } from '../../../features/ingest/normalize-event';

const BATCH = 1000;

/**
 * Writes `count` events of the tenant as ingest would (rows and, per 1,000, the reindex task that
 * the sealer reads), in order. The tasks are written already started (then marked succeeded), so
 * neither the outbox relay nor the service's own sealer picks them up: only the measured sealer
 * seals them.
 */
export async function seedSealable(pool: Pool, tenantId: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < count; start += BATCH) {
    const now = new Date();
    const rows = Array.from({ length: Math.min(BATCH, count - start) }, (_, i) =>
      toNewLogRow({ action: 'bench.event', severity: 'INFO', message: `event ${start + i}`, metadata: { n: start + i, tags: ['a', 'b'] } }, 'bench', now),
    );
    await withTenantTx(pool, tenantId, async (tx) => {
      await logsRepository(tx).insertMany(tenantId, rows);
      const taskId = uuidv7();
      const tasks = tasksRepository(tx);
      await tasks.createStarted(tenantId, { taskId, taskType: 'reindex', userId: 'bench', payload: reindexPayload(rows), workflowId: `bench-${taskId}`, runId: 'bench' });
      // No run will ever finish it: left running, every later drain would wait for it until its timeout.
      await tasks.markSucceeded(tenantId, taskId, {});
    });
    ids.push(...rows.map((row) => row.id));
  }
  return ids;
}

/** Runs the sealer's steps until nothing waits, then its checkpoint: what the seal workflow's activities do. */
export async function sealEverything(sealer: LogSealer, tenantId: string): Promise<{ seconds: number; sealed: number; root: Buffer }> {
  const started = performance.now();
  let sealed = 0;
  for (;;) {
    const step = await sealer.sealStep(tenantId);
    sealed += step.sealed;
    if (!step.more) break;
  }
  const checkpoint = await sealer.checkpoint(tenantId);
  const seconds = (performance.now() - started) / 1000;
  return { seconds, sealed, root: Buffer.from(checkpoint?.root_hash ?? '', 'base64') };
}

/**
 * The raw anchor of sealing: the same rows, read beforehand, turned into JCS + SHA-256 leaves and a
 * Merkle root in one process. Hashed both ways the project can (from the events' objects, and
 * straight from the column texts as the sealer does), and the faster one stands: an anchor slower
 * than it need be would flatter the sealer. Returns how many leaf hashes it computed.
 */
export async function rawHashing(pool: Pool, tenantId: string, ids: readonly string[]): Promise<{ seconds: number; hashes: number; root: Buffer; way: string }> {
  const { events, columns } = await withTenantTx(pool, tenantId, async (tx) => {
    const read = { events: [] as LogEvent[], columns: [] as EventColumnTexts[] };
    for (let start = 0; start < ids.length; start += 5000) {
      const part = ids.slice(start, start + 5000);
      read.events.push(...(await logsRepository(tx).findByIds(tenantId, part)));
      read.columns.push(...(await logsRepository(tx).findColumnTextsByIds(tenantId, part)));
    }
    return read;
  });
  const order = new Map(ids.map((id, index) => [id, index]));
  events.sort((a, b) => (order.get(a.id) as number) - (order.get(b.id) as number));
  columns.sort((a, b) => (order.get(a[0] as string) as number) - (order.get(b[0] as string) as number));
  const timed = (way: string, leavesOf: () => Buffer[]) => {
    const started = performance.now();
    const leaves = leavesOf();
    const root = treeHash(leaves);
    return { seconds: (performance.now() - started) / 1000, hashes: leaves.length, root, way };
  };
  const fromEvents = timed('from the events', () => events.map((event, index) => eventLeafHash({ ...event, seq: index + 1 })));
  const fromColumns = timed('from the column texts', () => columns.map((row, index) => eventColumnsLeafHash(row, index + 1)));
  if (!fromEvents.root.equals(fromColumns.root)) throw new Error('the two ways of hashing the same rows disagree on the root');
  return fromColumns.seconds < fromEvents.seconds ? fromColumns : fromEvents;
}

/** Leaves of the tenant as PostgreSQL holds them (owner role): the count that says sealing did its work. */
export async function sealedCount(ownerPool: Pool, tenantIds: readonly string[]): Promise<number> {
  const { rows } = await ownerPool.query<{ n: string }>('SELECT count(*) AS n FROM integrity_leaves WHERE tenant_id = ANY($1::uuid[])', [tenantIds]);
  return Number(rows[0]?.n ?? 0);
}

export async function verifyEverything(pool: Pool, keys: readonly VerifyingKey[], tenantId: string): Promise<{ seconds: number; checked: number; problems: number }> {
  const started = performance.now();
  const result = await createLogVerifier({ pool, keys })(tenantId, {}, async () => undefined);
  return { seconds: (performance.now() - started) / 1000, checked: result.events_checked, problems: result.problems.length };
}
