import { expect } from 'chai';
import { v7 as uuidv7 } from 'uuid';
import { tasksRepository } from '../../adapters/postgres/tasks-repository';
import { createSqsTaskPublisher } from '../../adapters/sqs/task-publisher';
import { createTaskOutbox } from '../../features/delivery/task-outbox';
import { tokenFor } from '../support/fixtures';
import { CUTOFF, LONG_AGO, createRetentionTenant, eventsBetween, logIds, requestCleanupOverHttp, taskRow, waitForTask } from '../support/retention';
import { documentIds } from '../support/search-documents';
import { seedLogs } from '../support/seed-logs';
import { testSystem, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

const ROUNDS = Number(process.env.DELETED_RACE_ROUNDS ?? 10);
const EVENTS_PER_ROUND = Number(process.env.DELETED_RACE_EVENTS ?? 4000);
const IDS_PER_INDEX_TASK = 1000;

/**
 * Guarantee 7 of the design: once a cleanup succeeded, none of the events it deleted is in search,
 * whatever index runs raced it. Each round archives and cleans up a range while batch index runs
 * (late `reindex` tasks for the very rows being deleted) and a tenant reindex (`POST /reindex`)
 * read and write the same range, started at staggered moments around the cleanup's deletions.
 */
describe('deleted stays deleted: cleanup racing batch indexing and a tenant reindex', function () {
  this.timeout(ROUNDS * 120_000 + 60_000);
  let system: TestSystem;
  let admin: string;

  before(async () => {
    system = await testSystem();
    admin = tokenFor(system, 'admin', undefined, 'ops-race');
  });

  /** `reindex` tasks carrying these ids, written and published the way ingest does (the outbox). */
  async function publishIndexTasks(tenantId: string, ids: readonly string[]): Promise<string[]> {
    const outbox = createTaskOutbox({ pool: system.appPool, publisher: createSqsTaskPublisher(system.sqs, system.config.sqs.queueUrls), logger: system.logger });
    const taskIds: string[] = [];
    for (let start = 0; start < ids.length; start += IDS_PER_INDEX_TASK) {
      const taskId = uuidv7();
      taskIds.push(taskId);
      await outbox.commit(tenantId, async (tx) => {
        await tasksRepository(tx).create(tenantId, { taskId, taskType: 'reindex', userId: 'race', payload: { log_ids: ids.slice(start, start + IDS_PER_INDEX_TASK) } });
        return { value: undefined, publish: [{ taskId, tenantId, taskType: 'reindex' }] };
      });
    }
    return taskIds;
  }

  async function reindexTenant(tenantId: string): Promise<string> {
    const range = `&start_time=${LONG_AGO.toISOString()}&end_time=${CUTOFF.toISOString()}`;
    const response = await system.api.http.post(`/api/v1/reindex?tenant_id=${tenantId}${range}`, { token: admin });
    expect(response.status).to.equal(202);
    return response.body.task_id as string;
  }

  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('leaves 0 resurrected documents after many raced rounds', async () => {
    const tenantId = await createRetentionTenant(system);
    let resurrectedTotal = 0;
    let deletedTotal = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const seeded = await seedLogs(system, tenantId, eventsBetween(EVENTS_PER_ROUND, LONG_AGO, CUTOFF, `race-${round}`));
      const ids = seeded.map((event) => event.id);
      const requested = await requestCleanupOverHttp(system, admin, tenantId, CUTOFF);
      expect(requested.status).to.equal(202);
      const archiveTaskId = requested.body.task_id as string;

      // Odd rounds start the index runs while the archive is still being written (their reads then
      // precede the deletions); even rounds start them as the cleanup task appears, staggered by up
      // to half a second, so reads and writes straddle the deletions at different points.
      const startRaces = async () => Promise.all([publishIndexTasks(tenantId, ids), reindexTenant(tenantId)]);
      let raced: [string[], string];
      if (round % 2 === 1) {
        await pause(300);
        raced = await startRaces();
      } else {
        await waitFor('the cleanup task to be created', async () => (await taskRow(system, archiveTaskId))?.result?.log_cleanup_task_id, { timeoutMs: 120_000, intervalMs: 10 });
        await pause((round / 2) % 6 * 100);
        raced = await startRaces();
      }
      const [indexTaskIds, reindexTaskId] = raced;

      const archive = await waitForTask(system, archiveTaskId, 'succeeded');
      const cleanup = await waitForTask(system, archive.result.log_cleanup_task_id as string, 'succeeded');
      expect(cleanup.result.deleted_rows, `round ${round}: the cleanup deleted this round's events`).to.equal(EVENTS_PER_ROUND);
      await waitForTask(system, reindexTaskId, 'succeeded');
      for (const taskId of indexTaskIds) await waitForTask(system, taskId, 'succeeded');

      const stored = await logIds(system, tenantId);
      const documents = await documentIds(system, tenantId);
      const resurrected = ids.filter((id) => documents.has(id) && !stored.has(id)).length;
      console.log(`      round ${round + 1}: ${EVENTS_PER_ROUND} deleted, ${resurrected} resurrected`);
      resurrectedTotal += resurrected;
      deletedTotal += EVENTS_PER_ROUND;
    }

    const stored = await logIds(system, tenantId);
    const documents = await documentIds(system, tenantId);
    const orphans = [...documents].filter((id) => !stored.has(id));
    console.log(`      ${ROUNDS} rounds raced, ${deletedTotal} events deleted, ${resurrectedTotal} resurrected across rounds, ${orphans.length} documents without a row at the end`);
    expect(stored.size, 'every round deleted everything it archived').to.equal(0);
    expect(orphans, 'documents in OpenSearch with no row in PostgreSQL').to.deep.equal([]);
    expect(documents.size).to.equal(stored.size);
    expect(resurrectedTotal).to.equal(0);
  });
});
