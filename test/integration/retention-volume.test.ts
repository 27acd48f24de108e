import { createTaskOutbox } from '../../features/delivery/task-outbox';
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { tenantsRepository } from '../../adapters/postgres/tenants-repository';
import { createSqsTaskPublisher } from '../../adapters/sqs/task-publisher';
import { createCleanupRequester } from '../../features/retention/request-cleanup';
import { tokenFor } from '../support/fixtures';
import { archiveInspector, claimSeededEventIds, countDocuments, countLogs, eventsBetween, logIds, waitForTask, type TaskRow } from '../support/retention';
import { seedLogs } from '../support/seed-logs';
import { testSystem, type TestSystem } from '../support/system';

const CUTOFF = new Date('2025-01-01T00:00:00.000Z');
const LONG_AGO = new Date('2024-01-01T00:00:00.000Z');
const RECENTLY = new Date(Date.now() - 24 * 3600 * 1000);
const FRESH_PER_TENANT = 2_000;

interface Subject {
  tenantId: string;
  oldIds: Set<string>;
  freshIds: Set<string>;
  archiveTaskId?: string;
}

const seconds = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 1000;

describe('archive → cleanup of 100,000 events across several tenants', function () {
  this.timeout(900_000);
  let system: TestSystem;
  const subjects: Subject[] = [];
  let bystander: { tenantId: string; rows: number };

  async function createTenant(): Promise<string> {
    return (await tenantsRepository(system.appPool).create({ id: randomUUID(), name: `retention-volume-${randomUUID()}`, retentionDays: 36500 })).id;
  }

  before(async () => {
    system = await testSystem();
    for (const count of [40_000, 35_000, 25_000]) {
      const tenantId = await createTenant();
      const old = await seedLogs(system, tenantId, eventsBetween(count, LONG_AGO, CUTOFF));
      const fresh = await seedLogs(system, tenantId, eventsBetween(FRESH_PER_TENANT, CUTOFF, RECENTLY));
      await claimSeededEventIds(system, tenantId);
      subjects.push({ tenantId, oldIds: new Set(old.map((e) => e.id)), freshIds: new Set(fresh.map((e) => e.id)) });
    }
    const bystanderId = await createTenant();
    await seedLogs(system, bystanderId, eventsBetween(3_000, LONG_AGO, CUTOFF));
    bystander = { tenantId: bystanderId, rows: 3_000 };
  });

  it('deletes exactly the archived events, each in one verified manifest, and reports rows/s', async () => {
    const [viaApi, ...viaUseCase] = subjects as [Subject, ...Subject[]];
    const requester = createCleanupRequester({
      outbox: createTaskOutbox({ pool: system.appPool, publisher: createSqsTaskPublisher(system.sqs, system.config.sqs.queueUrls), logger: system.logger }),
      partMaxRows: 10_000,
    });
    const started = new Date();
    const response = await system.api.http.request('DELETE', `/api/v1/logs/cleanup?tenant_id=${viaApi.tenantId}&before_date=${CUTOFF.toISOString()}`, { token: tokenFor(system, 'admin') });
    expect(response.status).to.equal(202);
    viaApi.archiveTaskId = response.body.task_id;
    for (const subject of viaUseCase) subject.archiveTaskId = (await requester.requestCleanup(subject.tenantId, 'retention-test', CUTOFF)).taskId;

    const archives = await Promise.all(subjects.map((s) => waitForTask(system, s.archiveTaskId as string, 'succeeded', 600_000)));
    const archived = new Date();
    const cleanups = await Promise.all(archives.map((a) => waitForTask(system, a.result.log_cleanup_task_id, 'succeeded', 600_000)));
    const cleaned = new Date();

    const totalOld = subjects.reduce((sum, s) => sum + s.oldIds.size, 0);
    expect(totalOld).to.equal(100_000);
    const rate = (rows: number, from: Date, to: Date) => Math.round(rows / seconds(from, to));
    const perTask = (task: TaskRow, rows: number) => `${rows} rows in ${seconds(task.created_at, task.updated_at).toFixed(1)}s = ${rate(rows, task.created_at, task.updated_at)} rows/s`;
    console.log(`      archive: ${totalOld} rows, 3 tenants concurrently, ${seconds(started, archived).toFixed(1)}s = ${rate(totalOld, started, archived)} rows/s`);
    archives.forEach((task, i) => console.log(`        archive ${i + 1}: ${perTask(task, task.result.archived_rows)} (${task.result.parts} parts, ${task.result.archived_bytes} bytes gzip)`));
    console.log(`      cleanup: ${totalOld} rows from PostgreSQL and OpenSearch, ${seconds(archived, cleaned).toFixed(1)}s = ${rate(totalOld, archived, cleaned)} rows/s`);
    cleanups.forEach((task, i) => console.log(`        cleanup ${i + 1}: ${perTask(task, task.result.deleted_rows)}`));

    const inspector = archiveInspector(system.config);
    const seen = new Map<string, string>();
    try {
      for (const [i, subject] of subjects.entries()) {
        const archive = archives[i] as TaskRow;
        const { manifest, sha256 } = await inspector.manifest(archive.result.manifest_key);
        expect(sha256, 'the manifest is the verified one').to.equal(archive.result.manifest_sha256);
        const events = await inspector.events(manifest);
        for (const event of events) {
          expect(event.tenant_id).to.equal(subject.tenantId);
          expect(seen.has(event.id), `event ${event.id} in two manifests`).to.equal(false);
          seen.set(event.id, subject.tenantId);
        }
        expect(new Set(events.map((e) => e.id))).to.deep.equal(subject.oldIds);
        expect(cleanups[i]?.result).to.include({ archived_rows: subject.oldIds.size, deleted_rows: subject.oldIds.size, deleted_documents: subject.oldIds.size });

        expect(await logIds(system, subject.tenantId), 'exactly the newer events remain in PostgreSQL').to.deep.equal(subject.freshIds);
        expect(await countDocuments(system, subject.tenantId), 'exactly the newer events remain in OpenSearch').to.equal(FRESH_PER_TENANT);
      }
    } finally {
      inspector.close();
    }
    expect(seen.size).to.equal(100_000);
    expect(await countLogs(system, bystander.tenantId)).to.equal(bystander.rows);
    expect(await countDocuments(system, bystander.tenantId)).to.equal(bystander.rows);
  });
});
