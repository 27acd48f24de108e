import { expect } from 'chai';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Activities } from '../../activities/create-activities';
import { encodeTaskMessage } from '../../adapters/sqs/task-messages';
import { tokenFor } from '../support/fixtures';
import {
  archiveInspector,
  countDocuments,
  countLogs,
  createRetentionTenant,
  CUTOFF,
  eventsBetween,
  gate,
  LONG_AGO,
  logIds,
  requestCleanupOverHttp,
  taskRow,
  waitForTask,
} from '../support/retention';
import { seedLogs } from '../support/seed-logs';
import { testSystem, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

describe('the archive → cleanup chain: snapshot, integrity, duplicate deliveries', function () {
  this.timeout(180_000);
  let system: TestSystem;
  let admin: string;
  let inspector: ReturnType<typeof archiveInspector>;

  before(async () => {
    system = await testSystem();
    admin = tokenFor(system, 'admin', undefined, 'ops-admin');
    inspector = archiveInspector(system.config);
  });
  after(() => inspector?.close());

  it('keeps a backdated event that arrived after the snapshot, and one inserted between archive and cleanup', async () => {
    const tenantId = await createRetentionTenant(system);
    const old = await seedLogs(system, tenantId, eventsBetween(200, LONG_AGO, CUTOFF));
    const archiving = gate();
    const cleaning = gate();
    await system.replaceWorker({
      wrapActivities: (activities: Activities) => ({
        ...activities,
        writeArchiveParts: async (input) => {
          await archiving.opened;
          return activities.writeArchiveParts(input);
        },
        prepareCleanup: async (input) => {
          await cleaning.opened;
          return activities.prepareCleanup(input);
        },
      }),
    });
    try {
      const response = await requestCleanupOverHttp(system, admin, tenantId, CUTOFF);
      const archiveTaskId = response.body.task_id as string;
      const snapshotAt = Date.parse((await taskRow(system, archiveTaskId))?.payload.snapshot_at);
      await waitFor('a clock past the snapshot', () => Date.now() > snapshotAt);
      const [afterSnapshot] = await seedLogs(system, tenantId, eventsBetween(1, LONG_AGO, CUTOFF, 'after-snapshot'));
      archiving.open();

      const archive = await waitForTask(system, archiveTaskId, 'succeeded');
      const [betweenTasks] = await seedLogs(system, tenantId, eventsBetween(1, LONG_AGO, CUTOFF, 'between-tasks'));
      cleaning.open();
      await waitForTask(system, archive.result.log_cleanup_task_id, 'succeeded');

      const { manifest } = await inspector.manifest(archive.result.manifest_key);
      const archived = new Set((await inspector.events(manifest)).map((event) => event.id));
      expect(archived).to.deep.equal(new Set(old.map((event) => event.id)));
      expect(await logIds(system, tenantId)).to.deep.equal(new Set([afterSnapshot?.id, betweenTasks?.id]));
      expect(await countDocuments(system, tenantId)).to.equal(2);
    } finally {
      archiving.open();
      cleaning.open();
      await system.replaceWorker();
    }
  });

  it('deletes nothing when a part or the manifest no longer matches what was verified, and does not retry', async () => {
    const cleaning = gate();
    await system.replaceWorker({
      wrapActivities: (activities: Activities) => ({
        ...activities,
        prepareCleanup: async (input) => {
          await cleaning.opened;
          return activities.prepareCleanup(input);
        },
      }),
    });
    try {
      const tampered = async (what: 'part' | 'manifest') => {
        const tenantId = await createRetentionTenant(system);
        await seedLogs(system, tenantId, eventsBetween(30, LONG_AGO, CUTOFF), { index: false });
        const archive = await waitForTask(system, (await requestCleanupOverHttp(system, admin, tenantId, CUTOFF)).body.task_id, 'succeeded');
        const { manifest } = await inspector.manifest(archive.result.manifest_key);
        const key = what === 'part' ? (manifest.parts[0]?.key as string) : archive.result.manifest_key;
        const body = what === 'part' ? Buffer.from('not the archived rows') : JSON.stringify({ ...manifest, total_rows: 29 });
        await inspector.s3.send(new PutObjectCommand({ Bucket: system.config.s3.bucket, Key: key, Body: body }));
        return { tenantId, cleanupTaskId: archive.result.log_cleanup_task_id as string };
      };
      const part = await tampered('part');
      const manifest = await tampered('manifest');
      cleaning.open();

      const partFailure = await waitForTask(system, part.cleanupTaskId, 'failed');
      expect(partFailure.error_msg).to.match(/^ArchiveIntegrityError: .*part-00001\.ndjson\.gz reads back as 21 bytes/);
      expect(partFailure.attempts, 'an integrity failure is not retried').to.equal(1);
      const manifestFailure = await waitForTask(system, manifest.cleanupTaskId, 'failed');
      expect(manifestFailure.error_msg).to.match(/^ArchiveIntegrityError: manifest .* has SHA-256 [0-9a-f]{64}; the verified manifest had/);
      expect(await countLogs(system, part.tenantId)).to.equal(30);
      expect(await countLogs(system, manifest.tenantId)).to.equal(30);
      for (const taskId of [part.cleanupTaskId, manifest.cleanupTaskId]) {
        const handle = system.temporal.workflow.getHandle(`log_cleanup-${taskId}`);
        const history = (await handle.fetchHistory()).events ?? [];
        const retried = history.filter((event) => (event.activityTaskStartedEventAttributes?.attempt ?? 1) > 1);
        expect(retried, 'no activity attempt after the first').to.deep.equal([]);
      }
    } finally {
      cleaning.open();
      await system.replaceWorker();
    }
  });

  it('starts one run per task when every task message is delivered three times', async () => {
    const tenantId = await createRetentionTenant(system);
    await seedLogs(system, tenantId, eventsBetween(40, LONG_AGO, CUTOFF), { index: false });
    const deliver = async (taskId: string, taskType: 'archive' | 'log_cleanup', times: number) => {
      const queueUrl = taskType === 'archive' ? system.config.sqs.queueUrls.archive : system.config.sqs.queueUrls.cleanup;
      for (let i = 0; i < times; i += 1) {
        await system.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: encodeTaskMessage([{ taskId, tenantId, taskType }]) }));
      }
    };

    const archiveTaskId = (await requestCleanupOverHttp(system, admin, tenantId, CUTOFF)).body.task_id as string;
    await deliver(archiveTaskId, 'archive', 2);
    const archive = await waitForTask(system, archiveTaskId, 'succeeded');
    const cleanupTaskId = archive.result.log_cleanup_task_id as string;
    await deliver(cleanupTaskId, 'log_cleanup', 2);
    const cleaned = await waitForTask(system, cleanupTaskId, 'succeeded');
    // Late copies, after both runs finished, must not start anything either.
    await deliver(archiveTaskId, 'archive', 3);
    await deliver(cleanupTaskId, 'log_cleanup', 3);

    await waitFor('every copy to be consumed', async () => {
      for (const queueUrl of [system.config.sqs.queueUrls.archive, system.config.sqs.queueUrls.cleanup]) {
        const { Attributes } = await system.sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
        );
        if (Number(Attributes?.ApproximateNumberOfMessages) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible) > 0) return false;
      }
      return true;
    });
    for (const task of [await taskRow(system, archiveTaskId), cleaned]) {
      // The latest run under the workflow id is still the one the task recorded, and it completed.
      const latest = await system.temporal.workflow.getHandle(task?.workflow_id).describe();
      expect(latest.runId, task?.workflow_id).to.equal(task?.run_id);
      await system.temporal.workflow.getHandle(task?.workflow_id).result();
      // Visibility is eventually consistent: wait for the run to show as completed, then count runs.
      const runs = await waitFor(`${task?.workflow_id} to be listed as completed`, async () => {
        const listed = [];
        for await (const run of system.temporal.workflow.list({ query: `WorkflowId = '${task?.workflow_id}'` })) listed.push(run.status.name);
        return listed.includes('COMPLETED') ? listed : undefined;
      });
      expect(runs, task?.workflow_id).to.deep.equal(['COMPLETED']);
    }
    const cleanupTasks = await system.ownerPool.query(`SELECT count(*)::int AS n FROM async_task WHERE tenant_id = $1 AND task_type = 'log_cleanup'`, [tenantId]);
    expect(cleanupTasks.rows[0].n).to.equal(1);
    expect((await taskRow(system, archiveTaskId))?.attempts).to.equal(1);
    expect(cleaned.attempts).to.equal(1);
    expect(cleaned.result).to.include({ deleted_rows: 40, absent_documents: 40 });
    expect(await countLogs(system, tenantId)).to.equal(0);
  });
});
