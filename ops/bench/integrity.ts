import { randomUUID } from 'node:crypto';
import { integrityRepository } from '../../adapters/postgres/integrity-repository';
import { logsRepository } from '../../adapters/postgres/logs-repository';
import { createPgPool } from '../../adapters/postgres/postgres-client';
import { tasksRepository } from '../../adapters/postgres/tasks-repository';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import { tenantsRepository } from '../../adapters/postgres/tenants-repository';
import { eventLeafHash } from '../../domain/integrity/event-leaf';
import { leafHash, treeHash } from '../../domain/integrity/merkle-hash';
import { inclusionRanges, verifyInclusion } from '../../domain/integrity/merkle-proofs';
import { extendSubtrees } from '../../features/integrity/extend-subtrees';
import { createIntegrityReader } from '../../features/integrity/integrity-reader';
import { createLogSealer } from '../../features/integrity/log-sealer';
import { rangeHashes } from '../../features/integrity/stored-tree';
import { createLogVerifier } from '../../features/integrity/verify-log';
import { toNewLogRow } from '../../features/ingest/normalize-event';
import { loadConfig } from '../../platform/config/config';
import { v7 as uuidv7 } from 'uuid';

/**
 * Integrity figures on the real PostgreSQL (run with a profile's environment):
 *   SERVICE_SANDBOX=integritybench bash ops/stack/with-env.sh test npx tsx ops/bench/integrity.ts [events] [synthetic tree size]
 * sealing throughput (the sealer's transactions, no Temporal) vs JCS + SHA-256 + Merkle of the same
 * rows in one process; proof latency on the sealed tenant and on a synthetic tree of many leaves;
 * verify throughput.
 */
const EVENTS = Number(process.argv[2] ?? 100_000);
const SYNTHETIC = Number(process.argv[3] ?? 1_000_000);
const config = loadConfig();
const pool = createPgPool(config.postgres.url, 4, 'integrity-bench');
const noStore = { put: async () => undefined };

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] as number;

async function seedTenant(count: number): Promise<{ tenantId: string; ids: string[] }> {
  const tenantId = randomUUID();
  await tenantsRepository(pool).create({ id: tenantId, name: `integrity-bench-${tenantId}` });
  const ids: string[] = [];
  for (let start = 0; start < count; start += 1000) {
    const now = new Date();
    const rows = Array.from({ length: Math.min(1000, count - start) }, (_, i) =>
      toNewLogRow({ action: 'bench.event', severity: 'INFO', message: `event ${start + i}`, metadata: { n: start + i, tags: ['a', 'b'] } }, 'bench', now),
    );
    await withTenantTx(pool, tenantId, async (tx) => {
      await logsRepository(tx).insertMany(tenantId, rows);
      await tasksRepository(tx).create(tenantId, { taskId: uuidv7(), taskType: 'reindex', userId: 'bench', payload: { log_ids: rows.map((row) => row.id) }, progressTotal: rows.length });
    });
    ids.push(...rows.map((row) => row.id));
  }
  return { tenantId, ids };
}

async function main(): Promise<void> {
  console.log(`seeding ${EVENTS} events…`);
  const { tenantId, ids } = await seedTenant(EVENTS);
  const sealer = createLogSealer({ pool, origin: config.integrity.origin, keys: config.integrity.keys, checkpoints: noStore });
  let started = performance.now();
  for (;;) if (!(await sealer.sealStep(tenantId)).more) break;
  await sealer.checkpoint(tenantId);
  const sealSeconds = (performance.now() - started) / 1000;

  // The same rows, read once, hashed in one process: the raw anchor of sealing.
  const events = await withTenantTx(pool, tenantId, async (tx) => {
    const all = [];
    for (let start = 0; start < ids.length; start += 5000) all.push(...(await logsRepository(tx).findByIds(tenantId, ids.slice(start, start + 5000))));
    return all;
  });
  started = performance.now();
  treeHash(events.map((event, index) => eventLeafHash({ ...event, seq: index + 1 })));
  const rawSeconds = (performance.now() - started) / 1000;
  console.log(`sealing: ${EVENTS} events in ${sealSeconds.toFixed(2)} s = ${Math.round(EVENTS / sealSeconds)}/s; raw JCS + SHA-256 + Merkle in one process ${Math.round(EVENTS / rawSeconds)}/s (ratio ${(rawSeconds / sealSeconds).toFixed(2)})`);

  const reader = createIntegrityReader({ pool, keys: config.integrity.keys.verifying });
  const latencies: number[] = [];
  for (let sample = 0; sample < 300; sample += 1) {
    const id = ids[Math.floor(Math.random() * ids.length)] as string;
    const at = performance.now();
    const outcome = await reader.inclusionProof(tenantId, id);
    latencies.push(performance.now() - at);
    if (outcome.kind !== 'found') throw new Error(`no proof for ${id}`);
  }
  console.log(`proof (GET /logs/{id}/proof's work) at ${EVENTS} events: p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms`);

  started = performance.now();
  const result = await createLogVerifier({ pool, keys: config.integrity.keys.verifying })(tenantId, {}, async () => undefined);
  const verifySeconds = (performance.now() - started) / 1000;
  console.log(`verify: ${result.events_checked} events, ${result.problems.length} problems, ${verifySeconds.toFixed(2)} s = ${Math.round(result.events_checked / verifySeconds)}/s`);

  if (SYNTHETIC > 0) {
    // A tree of SYNTHETIC leaves written straight into the tables, for proof latency at that size.
    const synthetic = randomUUID();
    await tenantsRepository(pool).create({ id: synthetic, name: `integrity-bench-${synthetic}` });
    console.log(`writing a synthetic tree of ${SYNTHETIC} leaves…`);
    const leaves = Array.from({ length: SYNTHETIC }, (_, index) => leafHash(Buffer.from(`leaf ${index}`)));
    for (let start = 0; start < SYNTHETIC; start += 50_000) {
      const slice = leaves.slice(start, start + 50_000);
      await withTenantTx(pool, synthetic, async (tx) => {
        const repo = integrityRepository(tx);
        await repo.insertLeaves(synthetic, slice.map((hash, offset) => ({ seq: start + offset + 1, logId: randomUUID(), leafHash: hash })));
        await extendSubtrees(repo, synthetic, start, start + slice.length, slice);
      });
    }
    const root = treeHash(leaves);
    const times: number[] = [];
    for (let sample = 0; sample < 300; sample += 1) {
      const index = Math.floor(Math.random() * SYNTHETIC);
      const at = performance.now();
      const hashes = await withTenantTx(pool, synthetic, (tx) => rangeHashes(integrityRepository(tx), synthetic, inclusionRanges(index, SYNTHETIC)));
      times.push(performance.now() - at);
      if (!verifyInclusion(leaves[index] as Buffer, index, SYNTHETIC, hashes, root)) throw new Error('a proof does not verify');
    }
    console.log(`inclusion proof from stored hashes at ${SYNTHETIC} leaves: p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms (all verified)`);
  }
  await pool.end();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
