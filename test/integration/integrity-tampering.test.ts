import { expect } from 'chai';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { createTenant } from '../support/fixtures';
import { ingestEvents, leavesOf, verifyOverHttp, waitForSealed } from '../support/integrity';
import { testSystem, type TestSystem } from '../support/system';
import { signCheckpoint } from '../../domain/integrity/signed-checkpoint';
import { parseSigningKey } from '../../domain/integrity/signing-keys';

/** Every column of an event but its identity: what "swapping two events' contents" exchanges. */
const CONTENT = ['received_at', 'action', 'severity', 'user_id', 'session_id', 'resource', 'resource_id', 'message', 'ip_address', 'user_agent', 'before_state', 'after_state', 'metadata', 'event_timestamp', 'event_id'];

/**
 * Tampering done behind the service's back, as the database owner (who bypasses nothing the
 * service could stop): each is reported with the right kind and the exact seq and event id.
 */
describe('integrity: tampering is found by verification', function () {
  this.timeout(240_000);
  let system: TestSystem;

  before(async () => {
    system = await testSystem();
  });

  /** A tenant with two sealed rounds of events (so two checkpoints), and its leaves. */
  async function sealedTenant(): Promise<{ tenantId: string; seqOf: Map<string, number>; idAt: Map<number, string> }> {
    const tenantId = await createTenant(system);
    await ingestEvents(system, tenantId, 12, 'one');
    await waitForSealed(system, tenantId, 12);
    await ingestEvents(system, tenantId, 18, 'two');
    await waitForSealed(system, tenantId, 30);
    const leaves = await leavesOf(system, tenantId);
    return { tenantId, seqOf: new Map(leaves.map((leaf) => [leaf.log_id, leaf.seq])), idAt: new Map(leaves.map((leaf) => [leaf.seq, leaf.log_id])) };
  }

  const owner = (sql: string, params: unknown[]) => system.ownerPool.query(sql, params);
  const kinds = (result: any) => result.problems.map((problem: any) => ({ kind: problem.kind, seq: problem.seq, id: problem.id }));

  it('reports an UPDATE of one field as modified, with its seq and id', async () => {
    const { tenantId, idAt } = await sealedTenant();
    const id = idAt.get(7) as string;
    await owner(`UPDATE logs SET message = 'nothing to see here' WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    const result = await verifyOverHttp(system, tenantId);
    expect(result.ok).to.equal(false);
    expect(kinds(result)).to.deep.equal([{ kind: 'modified', seq: 7, id }]);
    expect(result.problems_count).to.equal(1);
    expect(result.problems_by_kind).to.deep.equal({ modified: 1 });
  });

  it('reports an event moved to another time (and partition) as modified, not missing', async () => {
    const { tenantId, idAt } = await sealedTenant();
    const id = idAt.get(11) as string;
    await owner(`UPDATE logs SET event_timestamp = event_timestamp - interval '40 days' WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    expect(kinds(await verifyOverHttp(system, tenantId))).to.deep.equal([{ kind: 'modified', seq: 11, id }]);
  });

  it('reports a DELETEd row as missing', async () => {
    const { tenantId, idAt } = await sealedTenant();
    const id = idAt.get(20) as string;
    await owner('DELETE FROM logs WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    expect(kinds(await verifyOverHttp(system, tenantId))).to.deep.equal([{ kind: 'missing', seq: 20, id }]);
  });

  it('reports a forged INSERT as inserted', async () => {
    const { tenantId, idAt } = await sealedTenant();
    const forged = uuidv7({ msecs: Date.now() - 3600_000 });
    await owner(
      `INSERT INTO logs (id, tenant_id, received_at, action, severity, user_id, message, event_timestamp)
       SELECT $3, tenant_id, received_at, action, severity, 'mallory', 'forged', event_timestamp FROM logs WHERE tenant_id = $1 AND id = $2`,
      [tenantId, idAt.get(3), forged],
    );
    expect(kinds(await verifyOverHttp(system, tenantId))).to.deep.equal([{ kind: 'inserted', seq: null, id: forged }]);
  });

  it("reports two events whose contents were swapped as reordered, both of them", async () => {
    const { tenantId, idAt } = await sealedTenant();
    const [a, b] = [idAt.get(4) as string, idAt.get(25) as string];
    const set = CONTENT.map((column) => `${column} = other.${column}`).join(', ');
    await owner(
      `WITH pair AS (SELECT * FROM logs WHERE tenant_id = $1 AND id IN ($2, $3))
       UPDATE logs SET ${set}
         FROM pair AS other
        WHERE logs.tenant_id = $1 AND logs.id IN ($2, $3) AND other.id <> logs.id`,
      [tenantId, a, b],
    );
    expect(kinds(await verifyOverHttp(system, tenantId))).to.deep.equal([
      { kind: 'reordered', seq: 4, id: a },
      { kind: 'reordered', seq: 25, id: b },
    ]);
  });

  it('reports a replaced checkpoint, one signed with a wrong key, and a replayed one', async () => {
    const { tenantId } = await sealedTenant();
    const forgedRoot = Buffer.alloc(32, 9);
    // Replaced: another root in the body and the record, the old signature left in place.
    await owner(
      `UPDATE integrity_checkpoints SET root_hash = $3, body = regexp_replace(body, '[^\\n]+\\n$', $4) WHERE tenant_id = $1 AND tree_size = $2`,
      [tenantId, 12, forgedRoot, `${forgedRoot.toString('base64')}\n`],
    );
    const first = await verifyOverHttp(system, tenantId);
    expect(kinds(first)).to.deep.equal([{ kind: 'bad_signature', seq: 12, id: null }]);

    const tenant2 = await sealedTenant();
    const { rows } = await owner('SELECT origin, key_id FROM integrity_checkpoints WHERE tenant_id = $1 AND tree_size = 30', [tenant2.tenantId]);
    const wrongKey = { ...parseSigningKey(generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()), kid: rows[0].key_id };
    const forged = signCheckpoint(rows[0].origin.replace(/\/tenants\/.*$/, ''), tenant2.tenantId, 30, forgedRoot, wrongKey);
    await owner('UPDATE integrity_checkpoints SET root_hash = $3, body = $4, signature = $5 WHERE tenant_id = $1 AND tree_size = $2', [
      tenant2.tenantId,
      30,
      forgedRoot,
      forged.body,
      Buffer.from(forged.signature, 'base64'),
    ]);
    expect(kinds(await verifyOverHttp(system, tenant2.tenantId))).to.deep.equal([{ kind: 'bad_signature', seq: 30, id: null }]);

    // Replayed: the validly signed body of size 12 put on the record of size 30.
    const tenant3 = await sealedTenant();
    await owner(
      `UPDATE integrity_checkpoints AS newer SET body = older.body, signature = older.signature
         FROM integrity_checkpoints AS older
        WHERE newer.tenant_id = $1 AND newer.tree_size = 30 AND older.tenant_id = $1 AND older.tree_size = 12`,
      [tenant3.tenantId],
    );
    expect(kinds(await verifyOverHttp(system, tenant3.tenantId))).to.deep.equal([{ kind: 'inconsistent_checkpoint', seq: 30, id: null }]);
  });

  it('reports a rewritten leaf as a checkpoint the stored leaves no longer give', async () => {
    const { tenantId, idAt } = await sealedTenant();
    const id = idAt.get(9) as string;
    await owner(`UPDATE logs SET message = 'rewritten' WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
    // The attacker recomputes the leaf too; only the signed roots give it away.
    await owner(`UPDATE integrity_leaves SET leaf_hash = $3 WHERE tenant_id = $1 AND seq = $2`, [tenantId, 9, Buffer.from(randomUUID().replace(/-/g, '').repeat(2), 'hex')]);
    const result = await verifyOverHttp(system, tenantId);
    expect(kinds(result)).to.deep.equal([
      { kind: 'modified', seq: 9, id },
      { kind: 'inconsistent_checkpoint', seq: 12, id: null },
      { kind: 'inconsistent_checkpoint', seq: 30, id: null },
    ]);
  });
});
