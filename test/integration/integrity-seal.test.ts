import { expect } from 'chai';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import { leavesOf, logCount, waitForSealed } from '../support/integrity';
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
});
