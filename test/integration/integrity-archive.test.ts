import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createS3Client } from '../../adapters/s3/s3-client';
import { tokenFor } from '../support/fixtures';
import { copiesOf } from '../support/restores';
import { leavesOf, logCount, verifyOverHttp, waitForSealed } from '../support/integrity';
import { CUTOFF, LONG_AGO, createRetentionTenant, eventsBetween, requestCleanupOverHttp, waitForTask } from '../support/retention';
import { testSystem, type TestSystem } from '../support/system';

const OLD = 30;
const RECENT = 10;

/** Retention moves sealed events to the bucket; verification follows them there. */
describe('integrity: archived ranges stay verifiable', function () {
  this.timeout(240_000);
  let system: TestSystem;
  let tenantId: string;
  let partKey: string;
  let seqOf: Map<string, number>;

  before(async () => {
    system = await testSystem();
    tenantId = await createRetentionTenant(system);
    const token = tokenFor(system, 'user', tenantId);
    const old = await system.api.http.post('/api/v1/logs/bulk', { token, body: { logs: eventsBetween(OLD, LONG_AGO, CUTOFF, 'archived') } });
    const recent = await system.api.http.post('/api/v1/logs/bulk', { token, body: { logs: eventsBetween(RECENT, new Date(Date.now() - 3600_000), new Date(), 'hot') } });
    expect([old.status, recent.status]).to.deep.equal([201, 201]);
    await waitForSealed(system, tenantId, OLD + RECENT);
    seqOf = new Map((await leavesOf(system, tenantId)).map((leaf) => [leaf.log_id, leaf.seq]));
    const cleanup = await requestCleanupOverHttp(system, tokenFor(system, 'admin'), tenantId, CUTOFF);
    expect(cleanup.status).to.equal(202);
    const archive = await waitForTask(system, cleanup.body.task_id, 'succeeded');
    await waitForTask(system, archive.result.log_cleanup_task_id, 'succeeded');
    expect(await logCount(system, tenantId)).to.equal(RECENT);
    const { rows } = await system.ownerPool.query('SELECT object_key FROM archive_parts WHERE tenant_id = $1', [tenantId]);
    expect(rows).to.have.length(1);
    partKey = rows[0].object_key;
  });

  const s3 = () => createS3Client(system.config.s3);
  async function partLines(): Promise<any[]> {
    const client = s3();
    const object = await client.send(new GetObjectCommand({ Bucket: system.config.s3.bucket, Key: partKey }));
    const bytes = Buffer.from(await (object.Body?.transformToByteArray() as Promise<Uint8Array>));
    client.destroy();
    return gunzipSync(bytes).toString('utf8').trim().split('\n').map((line) => JSON.parse(line));
  }

  it('archives every event with its seq and verifies archived and hot events together with no problem', async () => {
    const lines = await partLines();
    expect(lines).to.have.length(OLD);
    for (const line of lines) expect(line.seq).to.equal(seqOf.get(line.id));
    const result = await verifyOverHttp(system, tenantId);
    expect(result.problems).to.deep.equal([]);
    expect(result).to.include({ ok: true, events_checked: OLD + RECENT });
  });

  it('restores the sealed part, and refuses one rewritten along with its manifest and digest: the edited event no longer matches its sealed leaf', async () => {
    const admin = tokenFor(system, 'admin');
    const restore = async () => {
      const response = await system.api.http.request('POST', `/api/v1/restores?tenant_id=${tenantId}`, { token: admin, body: { start_time: LONG_AGO.toISOString(), end_time: CUTOFF.toISOString() } });
      expect(response.status, response.text).to.equal(202);
      return response.body as { task_id: string; restore_id: string };
    };
    const honest = await restore();
    await waitForTask(system, honest.task_id, 'succeeded');
    expect((await copiesOf(system, tenantId, honest.restore_id)).size, 'the untouched part restores in full').to.equal(OLD);

    // Someone holding the bucket and the database: the part, its manifest entry and the manifest's
    // recorded digest all agree with each other again after the edit; only the sealed leaf does not.
    const client = s3();
    const bucket = system.config.s3.bucket;
    const read = async (key: string) => Buffer.from(await ((await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body?.transformToByteArray() as Promise<Uint8Array>));
    const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
    const { rows: archives } = await system.ownerPool.query(`SELECT task_id, result FROM async_task WHERE tenant_id = $1 AND task_type = 'archive' AND status = 'succeeded'`, [tenantId]);
    expect(archives).to.have.length(1);
    const archiveTaskId = archives[0].task_id as string;
    const manifestKey = archives[0].result.manifest_key as string;
    const originalPart = await read(partKey);
    const originalManifest = await read(manifestKey);
    const lines = await partLines();
    const victim = lines[7];
    const editedPart = gzipSync(`${lines.map((line) => JSON.stringify(line.id === victim.id ? { ...line, user_id: 'someone-else' } : line)).join('\n')}\n`);
    const manifest = JSON.parse(originalManifest.toString('utf8'));
    manifest.parts = manifest.parts.map((part: any) => (part.key === partKey ? { ...part, bytes: editedPart.length, sha256: sha256(editedPart) } : part));
    manifest.total_bytes = manifest.parts.reduce((sum: number, part: any) => sum + part.bytes, 0);
    const editedManifest = Buffer.from(JSON.stringify(manifest));
    const setManifestDigest = (digest: string) =>
      system.ownerPool.query(`UPDATE async_task SET result = jsonb_set(result, '{manifest_sha256}', to_jsonb($2::text)) WHERE task_id = $1`, [archiveTaskId, digest]);
    try {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: partKey, Body: editedPart }));
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: manifestKey, Body: editedManifest }));
      await setManifestDigest(sha256(editedManifest));
      await system.ownerPool.query('UPDATE archive_parts SET byte_size = $3, sha256 = $4 WHERE tenant_id = $1 AND object_key = $2', [tenantId, partKey, editedPart.length, sha256(editedPart)]);

      const forged = await restore();
      const task = await waitForTask(system, forged.task_id, 'failed');
      console.log(`      error: ${task.error_msg}`);
      expect(task.error_msg).to.include(partKey).and.to.include(victim.id).and.to.include(`seq ${victim.seq}`);
      expect((await copiesOf(system, tenantId, forged.restore_id)).size, 'copies of the forged part').to.equal(0);
    } finally {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: partKey, Body: originalPart }));
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: manifestKey, Body: originalManifest }));
      await setManifestDigest(sha256(originalManifest));
      await system.ownerPool.query('UPDATE archive_parts SET byte_size = $3, sha256 = $4 WHERE tenant_id = $1 AND object_key = $2', [tenantId, partKey, originalPart.length, sha256(originalPart)]);
      client.destroy();
    }
  });

  it('reports an edited archive part as modified, and a dropped one as missing events', async () => {
    const lines = await partLines();
    const victim = lines[5];
    const edited = lines.map((line) => (line.id === victim.id ? { ...line, message: 'edited in the bucket' } : line));
    const client = s3();
    const bucket = system.config.s3.bucket;
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: partKey, Body: gzipSync(`${edited.map((line) => JSON.stringify(line)).join('\n')}\n`) }));
    const kinds = (result: any) => result.problems.map((problem: any) => ({ kind: problem.kind, seq: problem.seq, id: problem.id }));
    expect(kinds(await verifyOverHttp(system, tenantId))).to.deep.equal([{ kind: 'modified', seq: victim.seq, id: victim.id }]);

    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: partKey }));
    client.destroy();
    const dropped = kinds(await verifyOverHttp(system, tenantId));
    const expected = lines.map((line) => ({ kind: 'missing', seq: line.seq, id: line.id })).sort((a, b) => a.seq - b.seq);
    expect(dropped).to.deep.equal([...expected, { kind: 'missing', seq: null, id: null }]);
  });
});
