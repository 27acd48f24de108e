import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { tenantsRepository } from '../../adapters/postgres/tenants-repository';
import { tokenFor } from '../support/fixtures';
import { mth } from '../support/independent-verifier';
import { leavesOf, logCount, waitForSealed } from '../support/integrity';
import { CUTOFF, LONG_AGO, eventsBetween, requestCleanupOverHttp, waitForTask } from '../support/retention';
import { testSystem, type TestSystem } from '../support/system';

/** Ingest rounds, each sealed before the next: odd sizes, so seal runs end mid-tile at every level. */
const OLD_ROUNDS = [1, 15, 17, 33];
const RECENT_ROUNDS = [190, 7, 41];

/** RFC 9162 §2.1.3.1 PATH(m, D[n]), literally, from all leaves. */
function pathOf(m: number, leaves: readonly Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return m < k ? [...pathOf(m, leaves.slice(0, k)), mth(leaves.slice(k))] : [...pathOf(m - k, leaves.slice(k)), mth(leaves.slice(0, k))];
}

/** RFC 9162 §2.1.4.1 SUBPROOF(m, D[n], b), literally. */
function subproof(m: number, leaves: readonly Buffer[], whole: boolean): Buffer[] {
  if (m === leaves.length) return whole ? [] : [mth(leaves)];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return m <= k ? [...subproof(m, leaves.slice(0, k), whole), mth(leaves.slice(k))] : [...subproof(m - k, leaves.slice(k), false), mth(leaves.slice(0, k))];
}

const base64 = (hashes: readonly Buffer[]) => hashes.map((hash) => hash.toString('base64'));

describe('integrity: stored subtree hashes', function () {
  this.timeout(300_000);
  let system: TestSystem;
  let tenantId: string;
  const roundSizes: number[] = [];

  /** Every stored subtree row is the MTH of its leaves, and every complete subtree at a stored level is there. */
  async function expectSubtreesOfLeaves(leaves: readonly Buffer[]): Promise<number> {
    const { rows } = await system.ownerPool.query<{ level: number; idx: string; hash: Buffer }>('SELECT level, idx, hash FROM integrity_subtrees WHERE tenant_id = $1 ORDER BY level, idx', [tenantId]);
    const expected: string[] = [];
    for (let level = 4; 2 ** level <= leaves.length; level += 4) {
      for (let idx = 0; idx < Math.floor(leaves.length / 2 ** level); idx += 1) expected.push(`${level}:${idx}:${mth(leaves.slice(idx * 2 ** level, (idx + 1) * 2 ** level)).toString('hex')}`);
    }
    expect(rows.map((row) => `${row.level}:${row.idx}:${row.hash.toString('hex')}`)).to.deep.equal(expected);
    return rows.length;
  }

  /** Proofs the API gives (from stored subtrees) equal the proofs recomputed from all the leaves. */
  async function expectProofsFromLeaves(leaves: readonly Buffer[], ids: readonly string[]): Promise<number> {
    const token = tokenFor(system, 'auditor', tenantId);
    let checked = 0;
    for (const id of ids) {
      const proof = await system.api.http.get(`/api/v1/logs/${id}/proof`, { token });
      expect(proof.status, proof.text).to.equal(200);
      const { leaf_index: index, tree_size: size, hashes } = proof.body.inclusion;
      expect(hashes, `inclusion of leaf ${index} in ${size}`).to.deep.equal(base64(pathOf(index, leaves.slice(0, size))));
      checked += 1;
    }
    const { rows } = await system.ownerPool.query<{ tree_size: string }>('SELECT tree_size FROM integrity_checkpoints WHERE tenant_id = $1 ORDER BY tree_size', [tenantId]);
    const sizes = rows.map((row) => Number(row.tree_size));
    for (const first of sizes) {
      for (const second of sizes.filter((size) => size > first)) {
        const consistency = await system.api.http.get(`/api/v1/integrity/consistency?first=${first}&second=${second}`, { token });
        expect(consistency.status, consistency.text).to.equal(200);
        expect(consistency.body.hashes, `consistency ${first} → ${second}`).to.deep.equal(base64(subproof(first, leaves.slice(0, second), true)));
        checked += 1;
      }
    }
    return checked;
  }

  before(async () => {
    system = await testSystem();
    tenantId = (await tenantsRepository(system.appPool).create({ id: randomUUID(), name: `subtrees-${randomUUID()}`, retentionDays: 36500, rateLimit: { perSecond: 10_000, burst: 20_000 } })).id;
    const token = tokenFor(system, 'user', tenantId);
    let total = 0;
    for (const [count, old] of [...OLD_ROUNDS.map((n) => [n, true] as const), ...RECENT_ROUNDS.map((n) => [n, false] as const)]) {
      const logs = old ? eventsBetween(count, LONG_AGO, CUTOFF, `old-${total}`) : eventsBetween(count, new Date(Date.now() - 3600_000), new Date(), `hot-${total}`);
      const response = await system.api.http.post('/api/v1/logs/bulk', { token, body: { logs } });
      expect(response.status).to.equal(201);
      total += count;
      await waitForSealed(system, tenantId, total);
      roundSizes.push(total);
      await expectSubtreesOfLeaves((await leavesOf(system, tenantId)).map((leaf) => leaf.leaf_hash));
    }
  });

  it('holds every complete subtree at levels 4, 8, ... after seal runs of odd sizes, and proves from them exactly what the leaves prove', async () => {
    const leaves = await leavesOf(system, tenantId);
    expect(leaves.length).to.equal(roundSizes.at(-1));
    const rows = await expectSubtreesOfLeaves(leaves.map((leaf) => leaf.leaf_hash));
    const sample = leaves.filter((_, i) => i % 5 === 0 || i === leaves.length - 1).map((leaf) => leaf.log_id);
    const checked = await expectProofsFromLeaves(leaves.map((leaf) => leaf.leaf_hash), sample);
    console.log(`      ${leaves.length} leaves sealed in ${roundSizes.length} rounds (${roundSizes.join(', ')}), ${rows} stored subtrees, ${checked} proofs equal to those from leaves`);
  });

  it('keeps proving the same after a cleanup deleted the old events', async () => {
    const before = await leavesOf(system, tenantId);
    const cleanup = await requestCleanupOverHttp(system, tokenFor(system, 'admin'), tenantId, CUTOFF);
    expect(cleanup.status).to.equal(202);
    const archive = await waitForTask(system, cleanup.body.task_id, 'succeeded');
    await waitForTask(system, archive.result.log_cleanup_task_id, 'succeeded');
    const old = OLD_ROUNDS.reduce((sum, n) => sum + n, 0);
    expect(await logCount(system, tenantId)).to.equal(before.length - old);

    const leaves = await leavesOf(system, tenantId);
    expect(leaves).to.deep.equal(before);
    await expectSubtreesOfLeaves(leaves.map((leaf) => leaf.leaf_hash));
    const { rows } = await system.ownerPool.query<{ id: string }>('SELECT id::text AS id FROM logs WHERE tenant_id = $1', [tenantId]);
    const remaining = new Set(rows.map((row) => row.id));
    const sample = leaves.filter((leaf, i) => remaining.has(leaf.log_id) && (i % 3 === 0 || i === leaves.length - 1)).map((leaf) => leaf.log_id);
    expect(sample.length).to.be.above(20);
    await expectProofsFromLeaves(leaves.map((leaf) => leaf.leaf_hash), sample);
  });
});
