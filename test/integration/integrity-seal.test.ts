import { expect } from 'chai';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import { leavesOf, logCount, waitForSealed } from '../support/integrity';
import { waitFor } from '../support/wait-for';
import { testSystem, type TestSystem } from '../support/system';
import { createS3Client } from '../../adapters/s3/s3-client';
import { checkpointKey } from '../../adapters/s3/checkpoint-store';

describe('integrity: sealing', function () {
  this.timeout(180_000);
  let system: TestSystem;

  before(async () => {
    system = await testSystem();
  });

  it('seals every committed event of each tenant once, seq 1..N without gaps, and ends with a signed checkpoint in PostgreSQL and S3', async () => {
    const tenants = [await createTenant(system), await createTenant(system)];
    for (const tenantId of tenants) {
      const token = tokenFor(system, 'user', tenantId);
      for (let round = 0; round < 3; round += 1) {
        const bulk = await system.api.http.post('/api/v1/logs/bulk', { token, body: { logs: Array.from({ length: 40 }, (_, i) => validEvent({ message: `r${round} e${i}` })) } });
        expect(bulk.status).to.equal(201);
        const single = await system.api.http.post('/api/v1/logs', { token, body: validEvent({ message: `single ${round}` }) });
        expect(single.status).to.equal(201);
      }
    }
    for (const tenantId of tenants) {
      const events = await logCount(system, tenantId);
      expect(events).to.be.at.least(123);
      const started = Date.now();
      await waitForSealed(system, tenantId, events);
      console.log(`      sealed ${events} events of a tenant within ${Date.now() - started} ms of the last write`);
      const leaves = await leavesOf(system, tenantId);
      expect(leaves.map((leaf) => leaf.seq)).to.deep.equal(Array.from({ length: events }, (_, i) => i + 1));
      expect(new Set(leaves.map((leaf) => leaf.log_id)).size).to.equal(events);
      const s3 = createS3Client(system.config.s3);
      const object = await s3.send(new GetObjectCommand({ Bucket: system.config.s3.bucket, Key: checkpointKey(tenantId, events) }));
      const note = await object.Body?.transformToString();
      expect(note).to.match(new RegExp(`^[^\\n]+/tenants/${tenantId}\\n${events}\\n[A-Za-z0-9+/]{43}=\\n\\n\u2014 `));
      s3.destroy();
    }
  });

  it('shows seal runs in the task list: integrity_seal rows whose progress and results cover seq 1..N once', async () => {
    const tenantId = await createTenant(system);
    const token = tokenFor(system, 'user', tenantId);
    const requests = 4;
    for (let round = 0; round < requests; round += 1) {
      const bulk = await system.api.http.post('/api/v1/logs/bulk', { token, body: { logs: Array.from({ length: 25 + round }, (_, i) => validEvent({ message: `t${round} e${i}` })) } });
      expect(bulk.status).to.equal(201);
    }
    const events = await logCount(system, tenantId);
    await waitForSealed(system, tenantId, events);
    // Sessions end after the sealer's idle wait; each row then holds its result.
    const rows = await waitFor(
      'every integrity_seal row of the tenant to have succeeded',
      async () => {
        const { rows: found } = await system.ownerPool.query(
          "SELECT task_id, status, progress_done, result, workflow_id FROM async_task WHERE tenant_id = $1 AND task_type = 'integrity_seal' ORDER BY created_at",
          [tenantId],
        );
        return found.length > 0 && found.every((row) => row.status === 'succeeded') && found;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    console.log(`      ${events} events in ${requests} requests sealed by ${rows.length} integrity_seal task(s)`);
    expect(rows.length).to.be.at.most(requests);
    let next = 1;
    for (const row of rows) {
      expect(row.workflow_id).to.equal(`seal-${tenantId}`);
      if (row.result.from_seq === null) continue;
      expect(row.result.from_seq).to.equal(next);
      expect(Number(row.progress_done)).to.equal(row.result.to_seq - row.result.from_seq + 1);
      expect(row.result.tree_size).to.equal(row.result.to_seq);
      const { rows: checkpoint } = await system.ownerPool.query('SELECT root_hash, body FROM integrity_checkpoints WHERE tenant_id = $1 AND tree_size = $2', [tenantId, row.result.tree_size]);
      expect(row.result.checkpoint).to.include({ tree_size: row.result.tree_size, root_hash: checkpoint[0].root_hash.toString('base64'), body: checkpoint[0].body });
      next = row.result.to_seq + 1;
    }
    expect(next - 1).to.equal(events);

    const listed = await system.api.http.get('/api/v1/tasks?type=integrity_seal', { token: tokenFor(system, 'auditor', tenantId) });
    expect(listed.status).to.equal(200);
    expect(listed.body.items.map((task: { task_id: string }) => task.task_id).sort()).to.deep.equal(rows.map((row) => row.task_id).sort());
  });

  it('starts a tenant\'s seal rounds at least a second apart under a stream of single events: at most one checkpoint per second', async () => {
    const tenantId = await createTenant(system);
    const token = tokenFor(system, 'user', tenantId);
    const streamMs = 3000;
    const began = Date.now();
    for (let n = 0; Date.now() - began < streamMs; n += 1) {
      const single = await system.api.http.post('/api/v1/logs', { token, body: validEvent({ message: `stream ${n}` }) });
      expect(single.status).to.equal(201);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const events = await logCount(system, tenantId);
    await waitForSealed(system, tenantId, events);
    const { rows } = await system.ownerPool.query<{ checkpoints: string; first_session: Date; last_checkpoint: Date }>(
      `SELECT (SELECT count(*) FROM integrity_checkpoints WHERE tenant_id = $1) AS checkpoints,
              (SELECT min(created_at) FROM async_task WHERE tenant_id = $1 AND task_type = 'integrity_seal') AS first_session,
              (SELECT max(created_at) FROM integrity_checkpoints WHERE tenant_id = $1) AS last_checkpoint`,
      [tenantId],
    );
    const { checkpoints, first_session: firstSession, last_checkpoint: lastCheckpoint } = rows[0] as { checkpoints: string; first_session: Date; last_checkpoint: Date };
    // A round begins after its session's row is written and ends with at most one checkpoint; rounds
    // begin at least 1 s apart, so n rounds need at least n - 1 seconds before the last checkpoint.
    const spanMs = lastCheckpoint.getTime() - firstSession.getTime();
    console.log(`      ${events} single events over ${streamMs} ms: ${checkpoints} checkpoints within ${spanMs} ms of the first seal session`);
    expect(Number(checkpoints), 'rounds during the stream (else spacing was not exercised)').to.be.at.least(2);
    expect(Number(checkpoints)).to.be.at.most(Math.floor(spanMs / 1000) + 1);
  });
});
