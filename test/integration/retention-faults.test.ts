import { createTaskOutbox } from '../../features/delivery/task-outbox';
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { tenantsRepository } from '../../adapters/postgres/tenants-repository';
import { createSqsTaskPublisher } from '../../adapters/sqs/task-publisher';
import { createCleanupRequester } from '../../features/retention/request-cleanup';
import { tokenFor } from '../support/fixtures';
import { startPrivateS3, type PrivateS3 } from '../support/private-s3';
import { finishingAttempt } from '../support/activity-attempts';
import { archiveInspector, countLogs, eventsBetween, logIds, taskRow, waitForTask } from '../support/retention';
import { documentIds } from '../support/search-documents';
import { seedLogs } from '../support/seed-logs';
import { testSystem, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';
import { spawnWorkerProcess, type WorkerProcess } from '../support/worker-process';

const CUTOFF = new Date('2025-01-01T00:00:00.000Z');
const LONG_AGO = new Date('2024-03-01T00:00:00.000Z');
// Many small parts make each archive long enough to interrupt between parts.
const EVENTS = 20_000;
const PART_ROWS = 250;

interface RecordedPart {
  part_number: number;
  object_key: string;
  sha256: string;
  recorded_at: Date;
}

async function recordedParts(system: TestSystem, taskId: string): Promise<RecordedPart[]> {
  const result = await system.ownerPool.query('SELECT part_number, object_key, sha256, recorded_at FROM archive_parts WHERE task_id = $1 ORDER BY part_number', [taskId]);
  return result.rows;
}

describe('retention under faults: S3 down, a killed worker', function () {
  this.timeout(600_000);
  let system: TestSystem;
  let requester: ReturnType<typeof createCleanupRequester>;

  before(async () => {
    system = await testSystem();
    requester = createCleanupRequester({
      outbox: createTaskOutbox({ pool: system.appPool, publisher: createSqsTaskPublisher(system.sqs, system.config.sqs.queueUrls), logger: system.logger }),
      partMaxRows: PART_ROWS,
    });
  });

  async function seededTenant({ index = false } = {}): Promise<{ tenantId: string; oldIds: Set<string> }> {
    const tenantId = (await tenantsRepository(system.appPool).create({ id: randomUUID(), name: `retention-fault-${randomUUID()}`, retentionDays: 36500 })).id;
    const old = await seedLogs(system, tenantId, eventsBetween(EVENTS, LONG_AGO, CUTOFF), { index });
    return { tenantId, oldIds: new Set(old.map((event) => event.id)) };
  }

  describe('S3 down during the archive', () => {
    let s3: PrivateS3;

    before(async () => {
      s3 = await startPrivateS3(system.config);
      await system.replaceWorker({}, s3.config);
    });
    after(async () => {
      await system.replaceWorker();
      await s3?.dispose();
    });

    it('fails the archive task with a clear error and deletes nothing; a retry after S3 is back completes both tasks', async () => {
      const { tenantId, oldIds } = await seededTenant();
      const { taskId } = await requester.requestCleanup(tenantId, 'ops-admin', CUTOFF);
      await waitFor('a few parts to be archived', async () => (await recordedParts(system, taskId)).length >= 3, { timeoutMs: 120_000, intervalMs: 20 });
      await s3.stop();
      const partsBeforeOutage = await recordedParts(system, taskId);
      expect(partsBeforeOutage.length, 'the archive must still be in progress when S3 goes down').to.be.below(EVENTS / PART_ROWS);

      const failed = await waitForTask(system, taskId, 'failed', 180_000);
      expect(failed.error_msg).to.match(/^ObjectStoreError: S3 (upload|read) of tenants\/.+\/part-\d{5}\.ndjson\.gz failed: .*ECONNREFUSED/);
      expect(failed.result).to.equal(null);
      expect(await countLogs(system, tenantId)).to.equal(EVENTS);
      const cleanups = await system.ownerPool.query(`SELECT count(*)::int AS n FROM async_task WHERE tenant_id = $1 AND task_type = 'log_cleanup'`, [tenantId]);
      expect(cleanups.rows[0].n).to.equal(0);

      await s3.start();
      const admin = tokenFor(system, 'admin');
      const retried = await system.api.http.post(`/api/v1/tasks/${taskId}/retry?tenant_id=${tenantId}`, { token: admin });
      expect(retried.status).to.equal(202);

      const archive = await waitForTask(system, taskId, 'succeeded', 180_000);
      expect(archive.workflow_id).to.equal(`archive-${taskId}-retry-1`);
      const cleaned = await waitForTask(system, archive.result.log_cleanup_task_id, 'succeeded', 180_000);
      expect(cleaned.result).to.include({ archived_rows: EVENTS, deleted_rows: EVENTS });
      expect(await countLogs(system, tenantId)).to.equal(0);

      // Parts verified before the outage were kept, not rewritten, by the retried run.
      const partsAfter = await recordedParts(system, taskId);
      expect(partsAfter.slice(0, partsBeforeOutage.length)).to.deep.equal(partsBeforeOutage);
      const inspector = archiveInspector(s3.config);
      try {
        const { manifest, sha256 } = await inspector.manifest(archive.result.manifest_key);
        expect(sha256).to.equal(archive.result.manifest_sha256);
        const archived = (await inspector.events(manifest)).map((event) => event.id);
        expect(archived).to.have.length(EVENTS);
        expect(new Set(archived)).to.deep.equal(oldIds);
      } finally {
        inspector.close();
      }
    });
  });

  describe('the worker process killed mid-archive and mid-cleanup', () => {
    const workers: WorkerProcess[] = [];

    before(async () => {
      await system.worker?.stop();
      system.worker = undefined;
    });
    after(async () => {
      for (const worker of workers) await worker.kill('SIGKILL');
      await system.replaceWorker();
    });

    it('resumes from where it stood after a SIGKILL and archives every row exactly once', async () => {
      const { tenantId, oldIds } = await seededTenant();
      const first = spawnWorkerProcess();
      workers.push(first);
      await first.ready();

      const { taskId } = await requester.requestCleanup(tenantId, 'ops-admin', CUTOFF);
      await waitFor('a few parts to be archived', async () => (await recordedParts(system, taskId)).length >= 3, { timeoutMs: 120_000, intervalMs: 20 });
      expect(await first.kill('SIGKILL')).to.equal('SIGKILL');
      const partsAtKill = await recordedParts(system, taskId);
      expect(partsAtKill.length, 'the archive must still be in progress when the worker dies').to.be.below(EVENTS / PART_ROWS);
      const inspector = archiveInspector(system.config);
      const modifiedAtKill = await Promise.all(
        partsAtKill.map(async (part) => (await inspector.s3.send(new HeadObjectCommand({ Bucket: system.config.s3.bucket, Key: part.object_key }))).LastModified?.getTime()),
      );

      const second = spawnWorkerProcess();
      workers.push(second);
      await second.ready();
      try {
        const archive = await waitForTask(system, taskId, 'succeeded', 240_000);
        expect(archive.workflow_id).to.equal(`archive-${taskId}`);
        expect(archive.attempts, 'one attempt killed, one resumed').to.equal(2);

        // The attempt that finished is the second, started after the killed one missed its heartbeat.
        const started = await finishingAttempt(system, archive, 'writeArchiveParts');
        expect(started?.attempt).to.equal(2);
        expect(started?.lastFailure?.timeoutFailureInfo?.timeoutType).to.equal(4);

        const partsAfter = await recordedParts(system, taskId);
        expect(partsAfter.slice(0, partsAtKill.length)).to.deep.equal(partsAtKill);
        const modifiedAfter = await Promise.all(
          partsAtKill.map(async (part) => (await inspector.s3.send(new HeadObjectCommand({ Bucket: system.config.s3.bucket, Key: part.object_key }))).LastModified?.getTime()),
        );
        expect(modifiedAfter).to.deep.equal(modifiedAtKill);

        const { manifest } = await inspector.manifest(archive.result.manifest_key);
        const archived = (await inspector.events(manifest)).map((event) => event.id);
        expect(archived, 'no row twice').to.have.length(new Set(archived).size);
        expect(new Set(archived), 'no row missing').to.deep.equal(oldIds);

        await waitForTask(system, archive.result.log_cleanup_task_id, 'succeeded', 180_000);
        expect(await logIds(system, tenantId)).to.deep.equal(new Set());
        expect((await taskRow(system, taskId))?.status).to.equal('succeeded');
      } finally {
        inspector.close();
      }
    });

    it('resumes a cleanup killed part way and leaves no row and no document of the archive', async () => {
      // The previous test's surviving worker polls the same task queue: the cleanup must run on the one killed here.
      for (const worker of workers.splice(0)) await worker.kill('SIGKILL');
      const { tenantId, oldIds } = await seededTenant({ index: true });
      expect(await documentIds(system, tenantId)).to.deep.equal(oldIds);
      const first = spawnWorkerProcess();
      workers.push(first);
      await first.ready();

      const { taskId } = await requester.requestCleanup(tenantId, 'ops-admin', CUTOFF);
      const archive = await waitForTask(system, taskId, 'succeeded', 240_000);
      const cleanupTaskId = archive.result.log_cleanup_task_id as string;
      await waitFor('the cleanup to be part way', async () => {
        const row = await taskRow(system, cleanupTaskId);
        return Number(row?.progress_done ?? 0) > 0 && Number(row?.progress_done) < EVENTS / 2;
      }, { timeoutMs: 120_000, intervalMs: 10 });
      expect(await first.kill('SIGKILL')).to.equal('SIGKILL');
      const rowsAtKill = await countLogs(system, tenantId);
      expect(rowsAtKill, 'the cleanup must still be in progress when the worker dies').to.be.within(1, EVENTS - 1);

      const second = spawnWorkerProcess();
      workers.push(second);
      await second.ready();
      const cleanup = await waitForTask(system, cleanupTaskId, 'succeeded', 240_000);
      expect(cleanup.attempts, 'one attempt killed, one resumed').to.equal(2);
      expect(await logIds(system, tenantId), 'no row left').to.deep.equal(new Set());
      expect(await documentIds(system, tenantId), 'no document left').to.deep.equal(new Set());
    });
  });
});
