import { Context } from '@temporalio/activity';
import { archiveLayout } from '../adapters/s3/archive-layout';
import type { RowKey } from '../domain/archive-row';
import { PartReadBackError } from '../adapters/s3/errors';
import { describeMismatch, readObjectDigest, sameDigest } from '../adapters/s3/object-reader';
import { writeNdjsonGzipPart } from '../adapters/s3/part-writer';
import { archiveEventsRepository, archiveLineKey, archiveLinesCopy, type ArchiveScope } from '../adapters/postgres/archive-events-repository';
import { openTenantCopyOut } from '../adapters/postgres/tenant-copy-out';
import { archivePartsRepository } from '../adapters/postgres/archive-parts-repository';
import { tasksRepository } from '../adapters/postgres/tasks-repository';
import { withTenantTx } from '../adapters/postgres/tenant-transaction';
import { parseArchivePayload } from '../features/retention/retention-tasks';
import { resumePoint, type ArchiveHeartbeat } from './archive-resume';
import { heartbeatingWhile } from './heartbeating-while';
import type { RetentionActivityDeps } from './retention-deps';
import { loadTask } from './retention-task-access';
import type { TaskInput } from './task-status-activities';

export interface PartsWritten {
  parts: number;
  rows: number;
}

const HEARTBEAT_EVERY_ROWS = 1000;

export function createArchivePartsActivity(deps: RetentionActivityDeps) {
  const { pool, s3, bucket } = deps;

  return {
    /**
     * Seals the tenant's waiting events first (catchUpSealer), then streams its events in scope
     * from PostgreSQL into gzip NDJSON parts on S3, oldest first, each read back and recorded
     * before the next begins. Heartbeats its position; a new
     * attempt (or a retried task) continues after the last recorded part, and the part that was in
     * progress is rewritten whole under its own key.
     */
    async writeArchiveParts(input: TaskInput): Promise<PartsWritten> {
      const { tenantId, taskId } = input;
      const context = Context.current();
      const task = await loadTask(pool, tenantId, taskId, { countAttempt: true });
      const payload = parseArchivePayload(taskId, task.payload);
      const scope: ArchiveScope = { beforeDate: payload.before_date, snapshotAt: payload.snapshot_at };
      const layout = archiveLayout(tenantId, taskId, new Date(payload.before_date));

      const { recorded, total } = await withTenantTx(pool, tenantId, async (tx) => ({
        recorded: await archivePartsRepository(tx).list(tenantId, taskId),
        total: await archiveEventsRepository(tx).count(tenantId, scope),
      }));
      let { partsDone, rowsDone, after } = resumePoint(recorded, context.info.heartbeatDetails);
      const position = (writing?: ArchiveHeartbeat['writing']): ArchiveHeartbeat => ({ partsDone, rowsDone, after: after ?? null, ...(writing ? { writing } : {}) });
      const beat = (writing?: ArchiveHeartbeat['writing']) => context.heartbeat(position(writing));
      beat();
      // A seal step can outlast the heartbeat timeout (waiting for the tenant's lock under load): beat through it.
      if (deps.catchUpSealer) await heartbeatingWhile(deps.catchUpSealer.sealWaiting(tenantId), () => position());
      await withTenantTx(pool, tenantId, (tx) => tasksRepository(tx).recordProgress(tenantId, taskId, rowsDone, total));

      for (;;) {
        const part = partsDone + 1;
        const key = layout.partKey(part);
        const copy = await openTenantCopyOut(pool, tenantId, archiveLinesCopy(tenantId, scope, after, payload.part_max_rows), deps.logger);
        const written = await writeNdjsonGzipPart({ s3, bucket, key }, copy.stream, archiveLineKey, {
          signal: context.cancellationSignal,
          onProgress: (rows: number, last: RowKey) => beat({ part, rows, last }),
          progressEvery: HEARTBEAT_EVERY_ROWS,
        }).catch((error: unknown) => {
          // A COPY left unread would hold its connection forever: dropping the stream drops the connection.
          copy.stream.destroy();
          throw error;
        });
        await copy.done;
        if (!written) break;
        const readBack = await readObjectDigest(s3, bucket, key, { signal: context.cancellationSignal, onProgress: () => beat({ part, rows: written.rows, last: written.last }) });
        if (!sameDigest(readBack, written)) throw new PartReadBackError(describeMismatch(key, readBack, written));

        await withTenantTx(pool, tenantId, async (tx) => {
          await archivePartsRepository(tx).record(tenantId, taskId, { partNumber: part, key, ...written });
          await tasksRepository(tx).recordProgress(tenantId, taskId, rowsDone + written.rows, null);
        });
        partsDone = part;
        rowsDone += written.rows;
        after = written.last;
        beat();
        if (written.rows < payload.part_max_rows) break;
      }
      return { parts: partsDone, rows: rowsDone };
    },
  };
}
