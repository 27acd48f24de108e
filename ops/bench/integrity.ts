import { randomUUID } from 'node:crypto';
import { integrityRepository } from '../../adapters/postgres/integrity-repository';
import { createPgPool } from '../../adapters/postgres/postgres-client';
import { withTenantTx } from '../../adapters/postgres/tenant-transaction';
import { tenantsRepository } from '../../adapters/postgres/tenants-repository';
import { leafHash, treeHash } from '../../domain/integrity/merkle-hash';
import { inclusionRanges, verifyInclusion } from '../../domain/integrity/merkle-proofs';
import { extendSubtrees } from '../../features/integrity/extend-subtrees';
import { createIntegrityReader } from '../../features/integrity/integrity-reader';
import { createLogSealer } from '../../features/integrity/log-sealer';
import { rangeHashes } from '../../features/integrity/stored-tree';
import { loadConfig } from '../../platform/config/config';
import { rawHashing, sealEverything, seedSealable, verifyEverything } from './lib/integrity';

/**
 * Integrity figures on the real PostgreSQL without the service's processes (run with a profile's environment):
 *   SERVICE_SANDBOX=integritybench bash ops/stack/with-env.sh test npx tsx ops/bench/integrity.ts [events] [synthetic tree size]
 * sealing throughput (the sealer's transactions, no Temporal) vs JCS + SHA-256 + Merkle of the same
 * rows in one process; proof latency on the sealed tenant and on a synthetic tree of many leaves;
 * verify throughput. `npm run bench` measures the same through the running service (scenario 9).
 */
const EVENTS = Number(process.argv[2] ?? 100_000);
const SYNTHETIC = Number(process.argv[3] ?? 1_000_000);
const config = loadConfig();
const pool = createPgPool(config.postgres.url, 4, 'integrity-bench');
const noStore = { put: async () => undefined };

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] as number;

async function newTenant(): Promise<string> {
  return (await tenantsRepository(pool).create({ id: randomUUID(), name: `integrity-bench-${randomUUID()}` })).id;
}

async function main(): Promise<void> {
  console.log(`seeding ${EVENTS} events…`);
  const tenantId = await newTenant();
  const ids = await seedSealable(pool, tenantId, EVENTS);
  const sealer = createLogSealer({ pool, origin: config.integrity.origin, keys: config.integrity.keys, checkpoints: noStore });
  const seal = await sealEverything(sealer, tenantId);
  const raw = await rawHashing(pool, tenantId, ids);
  console.log(`sealing: ${seal.sealed} events in ${seal.seconds.toFixed(2)} s = ${Math.round(seal.sealed / seal.seconds)}/s; raw JCS + SHA-256 + Merkle in one process ${Math.round(raw.hashes / raw.seconds)}/s (ratio ${(raw.seconds / seal.seconds).toFixed(2)})`);

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

  const verify = await verifyEverything(pool, config.integrity.keys.verifying, tenantId);
  console.log(`verify: ${verify.checked} events, ${verify.problems} problems, ${verify.seconds.toFixed(2)} s = ${Math.round(verify.checked / verify.seconds)}/s`);

  if (SYNTHETIC > 0) {
    // A tree of SYNTHETIC leaves written straight into the tables, for proof latency at that size.
    const synthetic = await newTenant();
    console.log(`writing a synthetic tree of ${SYNTHETIC} leaves…`);
    const leaves = Array.from({ length: SYNTHETIC }, (_, index) => leafHash(Buffer.from(`leaf ${index}`)));
    const sealedAt = new Date().toISOString();
    for (let start = 0; start < SYNTHETIC; start += 50_000) {
      const slice = leaves.slice(start, start + 50_000);
      await withTenantTx(pool, synthetic, async (tx) => {
        const repo = integrityRepository(tx);
        await repo.insertLeaves(synthetic, slice.map((hash, offset) => ({ seq: start + offset + 1, logId: randomUUID(), leafHash: hash, eventTimestamp: sealedAt })));
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
