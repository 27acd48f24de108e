import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import { testSystem, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

describe('single POSTs committed in groups', function () {
  this.timeout(120_000);
  let system: TestSystem;

  before(async () => {
    system = await testSystem();
  });

  it('answers each concurrent POST for its own event, repeats and conflicts included, and indexes each event once', async () => {
    const tenantId = await createTenant(system);
    const token = tokenFor(system, 'user', tenantId);
    const repeated = validEvent({ event_id: `evt-${randomUUID()}`, message: 'sent twice' });
    const contested = `evt-${randomUUID()}`;
    const bodies = [
      ...Array.from({ length: 60 }, (_, i) => validEvent({ message: `concurrent ${i}` })),
      repeated,
      repeated,
      validEvent({ event_id: contested, message: 'first version' }),
      validEvent({ event_id: contested, message: 'second version' }),
    ];
    const answers = await Promise.all(bodies.map((body) => system.api.http.post('/api/v1/logs', { token, body })));

    const plain = answers.slice(0, 60);
    expect(plain.map((a) => a.status)).to.deep.equal(Array(60).fill(201));
    expect(new Set(plain.map((a) => a.body.id)).size).to.equal(60);
    const [once, twice] = [answers[60], answers[61]];
    expect([once?.status, twice?.status].sort()).to.deep.equal([200, 201]);
    expect(once?.body.id).to.equal(twice?.body.id);
    expect([answers[62]?.status, answers[63]?.status].sort()).to.deep.equal([201, 409]);
    for (const answer of answers.filter((a) => a.status === 201)) {
      const read = await system.api.http.get(`/api/v1/logs/${answer.body.id}`, { token });
      expect(read.status).to.equal(200);
    }

    // Fewer tasks than events when requests shared a transaction; every new event in exactly one task.
    const created = answers.filter((a) => a.status === 201).map((a) => a.body.id as string).sort();
    const tasks = await system.ownerPool.query<{ log_ids: string[] }>(`SELECT payload->'log_ids' AS log_ids FROM async_task WHERE tenant_id = $1 AND task_type = 'reindex'`, [tenantId]);
    expect(tasks.rows.flatMap((t) => t.log_ids).sort()).to.deep.equal(created);
    console.log(`      ${created.length} events committed by ${tasks.rowCount} transactions`);

    await waitFor('every event to be searchable', async () => {
      await system.opensearch.indices.refresh({ index: system.config.opensearch.index });
      const { body } = await system.opensearch.count({ index: system.config.opensearch.index, routing: tenantId, body: { query: { term: { tenant_id: tenantId } } } });
      return body.count === created.length;
    });
  });
});
