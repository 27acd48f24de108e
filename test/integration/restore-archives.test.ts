import { expect } from 'chai';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createTaskOutbox } from '../../features/delivery/task-outbox';
import { createSqsTaskPublisher } from '../../adapters/sqs/task-publisher';
import { createCleanupRequester } from '../../features/retention/request-cleanup';
import { tokenFor } from '../support/fixtures';
import { archiveInspector, createRetentionTenant, CUTOFF, eventsBetween, LONG_AGO, taskRow, waitForTask, claimSeededEventIds } from '../support/retention';
import { copiesOf, countCopies, originalEvents, type Document } from '../support/restores';
import { seedLogs } from '../support/seed-logs';
import { testSystem, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';
import { spawnWorkerProcess, withWorkerProcesses } from '../support/worker-process';

/** Events archived and cleaned up: RESTORE_TEST_EVENTS (20,000 by default; the figure is 100,000). */
const EVENTS = Number(process.env.RESTORE_TEST_EVENTS ?? 20_000);
const PARTS = 10;
const BOOKKEEPING = ['metadata_text', 'restore_id', 'restore_expires_at'];

const at = (fraction: number) => new Date(LONG_AGO.getTime() + (CUTOFF.getTime() - LONG_AGO.getTime()) * fraction);
const within = (event: Document, start: Date, end: Date) => {
  const time = Date.parse(event.event_timestamp as string);
  return time >= start.getTime() && time < end.getTime();
};

describe(`restore of ${EVENTS} archived events`, function () {
  this.timeout(1_800_000);
  let system: TestSystem;
  let tenantId: string;
  let otherTenantId: string;
  let originals: Map<string, Document>;
  let archiveTask: Record<string, any>;
  let admin: string;

  const restoreOverHttp = (body: Record<string, unknown>, tenant = tenantId) =>
    system.api.http.request('POST', `/api/v1/restores?tenant_id=${tenant}`, { token: admin, body });
  const idsIn = (start: Date, end: Date) => new Set([...originals.values()].filter((event) => within(event, start, end)).map((event) => event.id as string));

  before(async () => {
    system = await testSystem();
    admin = tokenFor(system, 'admin');
    tenantId = await createRetentionTenant(system);
    otherTenantId = await createRetentionTenant(system);
    const seeded = Date.now();
    await seedLogs(system, tenantId, eventsBetween(EVENTS, LONG_AGO, CUTOFF));
    await claimSeededEventIds(system, tenantId);
    await seedLogs(system, otherTenantId, eventsBetween(500, LONG_AGO, CUTOFF));
    originals = await originalEvents(system, tenantId);
    expect(originals.size).to.equal(EVENTS);

    const archived = Date.now();
    const requester = createCleanupRequester({
      outbox: createTaskOutbox({ pool: system.appPool, publisher: createSqsTaskPublisher(system.sqs, system.config.sqs.queueUrls), logger: system.logger }),
      partMaxRows: Math.ceil(EVENTS / PARTS),
    });
    const { taskId } = await requester.requestCleanup(tenantId, 'restore-test', CUTOFF);
    archiveTask = await waitForTask(system, taskId, 'succeeded', 900_000);
    await waitForTask(system, archiveTask.result.log_cleanup_task_id, 'succeeded', 900_000);
    const count = await system.ownerPool.query('SELECT count(*)::int AS n FROM logs WHERE tenant_id = $1', [tenantId]);
    expect(count.rows[0].n, 'every event was cleaned up').to.equal(0);
    console.log(`      seeded in ${((archived - seeded) / 1000).toFixed(1)} s; archived and cleaned up in ${((Date.now() - archived) / 1000).toFixed(1)} s (${archiveTask.result.parts} parts)`);
  });

  let firstRestoreId: string;

  it('restores half the range: every copy equals its original field by field, and only include_restored shows them', async () => {
    const [start, end] = [at(0.25), at(0.75)];
    const response = await restoreOverHttp({ start_time: start.toISOString(), end_time: end.toISOString(), expires_in_days: 2 });
    expect(response.status).to.equal(202);
    const { task_id: taskId, restore_id: restoreId } = response.body;
    firstRestoreId = restoreId;

    const overlapping = await restoreOverHttp({ start_time: at(0.5).toISOString(), end_time: at(0.9).toISOString() });
    expect(overlapping.status, 'an overlapping restore while the first one runs').to.equal(409);
    expect(overlapping.body.task_id).to.equal(taskId);

    const started = Date.now();
    const task = await waitForTask(system, taskId, 'succeeded', 900_000);
    const seconds = (Date.now() - started) / 1000;
    const expected = idsIn(start, end);
    console.log(`      restored ${task.result.rows} events (${task.result.parts} parts) in ${seconds.toFixed(1)} s = ${Math.round(task.result.rows / seconds)} events/s`);
    expect(task.result.rows).to.equal(expected.size);
    expect(task.progress_done).to.equal(task.progress_total);

    const copies = await copiesOf(system, tenantId, restoreId);
    expect(copies.size, 'copies counted in the index').to.equal(expected.size);
    for (const [id, copy] of copies) {
      expect(expected.has(id), `copy ${id} is of an event in the range`).to.equal(true);
      const shown = Object.fromEntries(Object.entries(copy).filter(([field]) => !BOOKKEEPING.includes(field)));
      expect(shown, `copy ${id}`).to.deep.equal({ ...originals.get(id), restored: true });
    }

    const range = `start_time=${start.toISOString()}&end_time=${end.toISOString()}`;
    const auditor = tokenFor(system, 'auditor', tenantId);
    const hidden = await system.api.http.request('GET', `/api/v1/logs?${range}`, { token: auditor });
    expect(hidden.body.total, 'without include_restored').to.equal(0);
    const shown = await system.api.http.request('GET', `/api/v1/logs?${range}&include_restored=true&page_size=100`, { token: auditor });
    expect(shown.status).to.equal(200);
    expect(shown.body.total).to.equal(expected.size);
    for (const item of shown.body.items) expect(item).to.deep.equal({ ...originals.get(item.id), restored: true });
    const stats = await system.api.http.request('GET', `/api/v1/logs/stats?${range}&interval=day&include_restored=true`, { token: auditor });
    expect(stats.body.total).to.equal(expected.size);
    const statsHidden = await system.api.http.request('GET', `/api/v1/logs/stats?${range}&interval=day`, { token: auditor });
    expect(statsHidden.body.total).to.equal(0);

    const exported = await system.api.http.request('GET', `/api/v1/logs/export?${range}&include_restored=true`, { token: auditor });
    const lines = exported.text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Document);
    expect(lines, 'exported copies').to.have.length(expected.size);
    for (const line of lines) expect(line).to.deep.equal({ ...originals.get(line.id as string), restored: true });
    const exportedHidden = await system.api.http.request('GET', `/api/v1/logs/export?${range}`, { token: auditor });
    expect(exportedHidden.text, 'export without include_restored').to.equal('');
    const csv = await system.api.http.request('GET', `/api/v1/logs/export?${range}&include_restored=true&format=csv`, { token: auditor });
    expect(csv.text.split('\n')[0]).to.match(/,seq,restored$/);

    const listed = await system.api.http.request('GET', '/api/v1/restores', { token: auditor });
    expect(listed.body.items).to.have.length(1);
    expect(listed.body.items[0]).to.include({ restore_id: restoreId, task_id: taskId, status: 'succeeded', rows: expected.size });
  });

  it('never shows one tenant the restored copies of another', async () => {
    const other = tokenFor(system, 'auditor', otherTenantId);
    const everything = `start_time=${LONG_AGO.toISOString()}&end_time=${CUTOFF.toISOString()}&include_restored=true`;
    const search = await system.api.http.request('GET', `/api/v1/logs?${everything}&page_size=100`, { token: other });
    expect(search.body.total, "the other tenant's own live events only").to.equal(500);
    for (const item of search.body.items) expect(item.tenant_id).to.equal(otherTenantId);
    const stats = await system.api.http.request('GET', `/api/v1/logs/stats?${everything}&interval=day`, { token: other });
    expect(stats.body.total).to.equal(500);
    const exported = await system.api.http.request('GET', `/api/v1/logs/export?${everything}`, { token: other });
    const ids = exported.text.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as Document).tenant_id);
    expect(ids).to.have.length(500);
    expect(new Set(ids)).to.deep.equal(new Set([otherTenantId]));
    const listed = await system.api.http.request('GET', '/api/v1/restores', { token: other });
    expect(listed.body.items).to.deep.equal([]);
    const deleted = await system.api.http.request('DELETE', `/api/v1/restores/${firstRestoreId}?tenant_id=${otherTenantId}`, { token: admin });
    expect(deleted.status, "another tenant's restore is not found").to.equal(404);
    expect(await countCopies(system, tenantId, [{ term: { restore_id: firstRestoreId } }])).to.be.greaterThan(0);
  });

  it('names every invalid field', async () => {
    const response = await restoreOverHttp({ start_time: 'yesterday', expires_in_days: 31, extra: 1 });
    expect(response.status).to.equal(422);
    const paths = (response.body.errors as { path: string }[]).map((error) => error.path);
    expect(paths).to.include.members(['/start_time', '/end_time', '/expires_in_days']);
    const empty = await restoreOverHttp({ start_time: at(0.5).toISOString(), end_time: at(0.5).toISOString() });
    expect(empty.status).to.equal(422);
  });

  it('DELETE /restores/{id} removes the copies', async () => {
    const response = await system.api.http.request('DELETE', `/api/v1/restores/${firstRestoreId}?tenant_id=${tenantId}`, { token: admin });
    expect(response.status).to.equal(202);
    expect(await countCopies(system, tenantId, [{ term: { restore_id: firstRestoreId } }])).to.equal(0);
    const listed = await system.api.http.request('GET', `/api/v1/restores?tenant_id=${tenantId}`, { token: admin });
    expect(listed.body.items[0]).to.include({ restore_id: firstRestoreId, status: 'deleted' });
  });

  describe('with the worker SIGKILLed mid-restore', () => {
    const workers = withWorkerProcesses(() => system);

    it('ends with every event of the range restored once, none missing', async () => {
      const first = spawnWorkerProcess();
      workers.push(first);
      await first.ready();
      const response = await restoreOverHttp({ start_time: LONG_AGO.toISOString(), end_time: CUTOFF.toISOString() });
      expect(response.status).to.equal(202);
      const { task_id: taskId, restore_id: restoreId } = response.body;
      await waitFor('the restore to load a part', async () => ((await taskRow(system, taskId))?.progress_done ?? 0) >= 1, { timeoutMs: 300_000, intervalMs: 20 });
      expect(await first.kill('SIGKILL')).to.equal('SIGKILL');
      const atKill = await taskRow(system, taskId);
      expect(atKill?.status, 'still running when the worker died').to.equal('running');
      console.log(`      killed the worker after ${atKill?.progress_done} of ${atKill?.progress_total} parts`);

      const second = spawnWorkerProcess();
      workers.push(second);
      await second.ready();
      const task = await waitForTask(system, taskId, 'succeeded', 900_000);
      expect(task.attempts, 'one attempt killed, one complete').to.be.at.least(2);
      const copies = await copiesOf(system, tenantId, restoreId);
      expect(copies.size).to.equal(EVENTS);
      expect(new Set(copies.keys())).to.deep.equal(new Set(originals.keys()));
      expect(await countCopies(system, tenantId), 'no other copy of the tenant').to.equal(EVENTS);
      expect(task.result.rows).to.equal(EVENTS);
    });
  });

  // After the SIGKILL run (mocha runs a suite's own tests before its nested suites): it expires that restore first.
  describe('a corrupt part in the bucket', () => {
    it('fails naming a corrupt part, and loads nothing of it', async () => {
      const inspector = archiveInspector(system.config);
      const { manifest } = await inspector.manifest(archiveTask.result.manifest_key);
      const part = manifest.parts[2];
      if (!part) throw new Error('the archive has fewer than 3 parts');
      const partIds = new Set((await inspector.rows(part.key)).map((row) => row.id as string));
      await inspector.s3.send(new PutObjectCommand({ Bucket: system.config.s3.bucket, Key: part.key, Body: Buffer.from('not the archived part') }));
      inspector.close();

      // Clear the previous restore's copies first, so what is counted below is this restore's alone.
      await system.ownerPool.query("UPDATE restores SET expires_at = now() WHERE tenant_id = $1 AND removed_at IS NULL", [tenantId]);
      await system.temporal.workflow.execute('restoreExpiryWorkflow', { taskQueue: system.config.temporal.taskQueue, workflowId: `restore-expiry-test-${tenantId}-1`, args: [] });
      expect(await countCopies(system, tenantId), 'the expiry run removed the expired copies').to.equal(0);
      const expired = await system.api.http.request('GET', `/api/v1/restores?tenant_id=${tenantId}`, { token: admin });
      expect(expired.body.items[0].status).to.equal('expired');

      const response = await restoreOverHttp({ start_time: LONG_AGO.toISOString(), end_time: CUTOFF.toISOString() });
      expect(response.status).to.equal(202);
      const task = await waitForTask(system, response.body.task_id, 'failed', 900_000);
      console.log(`      error: ${task.error_msg}`);
      expect(task.error_msg).to.include(part.key);
      const copies = await copiesOf(system, tenantId, response.body.restore_id);
      expect([...copies.keys()].filter((id) => partIds.has(id)), 'copies of the corrupt part').to.deep.equal([]);
      expect(copies.size, 'the parts before it were loaded').to.equal(manifest.parts[0]!.rows + manifest.parts[1]!.rows);
    });
  });
});
