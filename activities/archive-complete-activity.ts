import { v7 as uuidv7 } from 'uuid';
import { tasksRepository } from '../adapters/postgres/tasks-repository';
import { parseArchivePayload, parseArchiveResult, type ArchiveResult, type CleanupPayload } from '../features/retention/retention-tasks';
import type { ManifestRef } from './archive-manifest-activities';
import { TaskStateError } from '../domain/task-errors';
import type { RetentionActivityDeps } from './retention-deps';
import type { TaskInput } from './task-status-activities';

export function createArchiveCompleteActivity(deps: RetentionActivityDeps) {
  const { outbox } = deps;

  return {
    /**
     * In one transaction: marks the archive task succeeded with its verified manifest and creates
     * the `log_cleanup` task (the outbox row); then publishes that task. Idempotent: a repeated call
     * finds the archive already succeeded and re-publishes the cleanup task it created.
     */
    async completeArchive(input: TaskInput & { manifest: ManifestRef }): Promise<{ cleanupTaskId: string }> {
      const { tenantId, taskId, manifest } = input;
      const cleanupTaskId = await outbox.commit(tenantId, async (tx) => {
        const tasks = tasksRepository(tx);
        const archive = await tasks.findById(tenantId, taskId);
        if (archive?.status === 'succeeded') {
          const created = parseArchiveResult(taskId, archive.result).log_cleanup_task_id;
          return { value: created, publish: [{ taskId: created, tenantId, taskType: 'log_cleanup' as const }] };
        }
        if (archive?.status !== 'running') throw new TaskStateError(`archive task ${taskId} is ${archive?.status ?? 'missing'}, not running`);
        const payload = parseArchivePayload(taskId, archive.payload);
        const result: ArchiveResult = {
          manifest_key: manifest.manifestKey,
          manifest_sha256: manifest.manifestSha256,
          archived_rows: manifest.rows,
          archived_bytes: manifest.bytes,
          parts: manifest.parts,
          log_cleanup_task_id: uuidv7(),
        };
        const cleanup: CleanupPayload = { archive_task_id: taskId, manifest_key: manifest.manifestKey, before_date: payload.before_date };
        if (!(await tasks.markSucceeded(tenantId, taskId, { ...result }))) throw new TaskStateError(`archive task ${taskId} changed state while completing`);
        await tasks.create(tenantId, { taskId: result.log_cleanup_task_id, taskType: 'log_cleanup', userId: archive.user_id, payload: { ...cleanup }, progressTotal: manifest.rows });
        return { value: result.log_cleanup_task_id, publish: [{ taskId: result.log_cleanup_task_id, tenantId, taskType: 'log_cleanup' as const }] };
      });
      return { cleanupTaskId };
    },
  };
}
