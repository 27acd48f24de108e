import { expect } from 'chai';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createS3Client } from '../../adapters/s3/s3-client';
import { tokenFor } from '../support/fixtures';
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
