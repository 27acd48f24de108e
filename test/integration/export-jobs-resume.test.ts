import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { HeadObjectCommand, ListMultipartUploadsCommand, ListPartsCommand } from '@aws-sdk/client-s3';
import { createS3Client } from '../../adapters/s3/s3-client';
import { exportObjectBytes, startExportJob } from '../support/export-jobs';
import { createTenant, tokenFor } from '../support/fixtures';
import { eventsBetween, taskRow, waitForTask } from '../support/retention';
import { seedLogs } from '../support/seed-logs';
import { testSystem, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';
import { spawnWorkerProcess, type WorkerProcess } from '../support/worker-process';

const FROM = new Date('2026-02-01T00:00:00.000Z');
const TO = new Date('2026-02-08T00:00:00.000Z');

describe('export jobs: the worker process SIGKILLed mid-export', function () {
  this.timeout(600_000);
  let system: TestSystem;
  const s3 = () => createS3Client(system.config.s3);
  const startExport = (body: Record<string, unknown>, token: string) => startExportJob(system, body, token);
  const objectBytes = (key: string) => exportObjectBytes(system, key);
  const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

  const workers: WorkerProcess[] = [];
  // Rows large enough (random, so gzip cannot shrink them) that the object takes several parts.
  const BIG = 60_000;
  let bigTenant: string;
  let worker: WorkerProcess | undefined;
  let resumedSha256 = '';

  before(async () => {
    system = await testSystem();
    bigTenant = await createTenant(system);
    const events = eventsBetween(BIG, FROM, TO).map((event) => ({ ...event, resource: 'document', message: randomBytes(600).toString('base64') }));
    await seedLogs(system, bigTenant, events, { index: false });
    await system.worker?.stop();
    system.worker = undefined;
  });
  after(async () => {
    for (const worker of workers) await worker.kill('SIGKILL');
    await system.replaceWorker();
  });

  const rssKiB = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);

  it('continues the same upload: parts stored before the kill are kept, the object holds every row once, the bytes of an uninterrupted run', async () => {
    const first = spawnWorkerProcess();
    workers.push(first);
    await first.ready();
    const token = tokenFor(system, 'auditor', bigTenant);
    const taskId = await startExport({ format: 'ndjson', resource: 'document' }, token);
    const key = `tenants/${bigTenant}/exports/${taskId}.ndjson.gz`;
    const bucket = system.config.s3.bucket;
    const client = s3();
    const unfinishedUploads = async () => (await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key }))).Uploads ?? [];
    // What S3 itself holds for the upload: part number, ETag, size and when it was stored.
    const storedParts = async (uploadId: string) => {
      const page = await client.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
      return (page.Parts ?? []).map((part) => ({ number: part.PartNumber as number, etag: part.ETag as string, size: part.Size as number, stored: part.LastModified?.toISOString() }));
    };
    try {
      const recordedParts = async () => (await system.ownerPool.query('SELECT part_number FROM export_upload_parts WHERE task_id = $1', [taskId])).rows as { part_number: number }[];
      // Killed as soon as three parts are recorded. A part is recorded only once the next one is cut
      // (one part uploads while the next is read), so waiting for S3 and the records to agree
      // looked for a window as short as one part's upload and could miss every one on a fast run.
      await waitFor('the export to record three parts', async () => (await recordedParts()).length >= 3, { timeoutMs: 120_000, intervalMs: 20 });
      expect(await first.kill('SIGKILL')).to.equal('SIGKILL');
      const unfinished = await unfinishedUploads();
      expect(unfinished, 'the upload is still unfinished when the worker dies').to.have.length(1);
      const uploadId = unfinished[0]?.UploadId as string;
      const atKill = await storedParts(uploadId);
      const recordedAtKill = await recordedParts();
      expect((await taskRow(system, taskId))?.status, 'the export must still be running when the worker dies').to.equal('running');
      console.log(`      killed the worker with ${atKill.length} parts stored (${recordedAtKill.length} recorded)`);

      const second = spawnWorkerProcess();
      workers.push(second);
      await second.ready();
      const baseline = rssKiB(second.pid);
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, rssKiB(second.pid))), 100);
      // The upload's parts as last seen before it completed (it is not listable after), and every upload seen meanwhile.
      let beforeCompletion = atKill;
      const uploadsSeen = new Set<string>();
      let watching = true;
      const watcher = (async () => {
        while (watching) {
          for (const upload of await unfinishedUploads()) uploadsSeen.add(upload.UploadId as string);
          if (uploadsSeen.size === 1) beforeCompletion = await storedParts(uploadId).catch(() => beforeCompletion);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();
      let task;
      try {
        task = await waitForTask(system, taskId, 'succeeded', 300_000);
      } finally {
        watching = false;
        clearInterval(sampler);
        await watcher;
      }
      expect([...uploadsSeen], 'the resumed attempt continues the same upload').to.deep.equal([uploadId]);
      console.log(`      worker RSS: ${(baseline / 1024).toFixed(0)} MiB idle, ${(peak / 1024).toFixed(0)} MiB peak while resuming ${BIG} rows (${(task.result.bytes / 1048576).toFixed(1)} MiB gzip): growth ${((peak - baseline) / 1024).toFixed(0)} MiB`);
      expect(task.attempts, 'one attempt killed, one complete').to.equal(2);
      expect(task.result.rows).to.equal(BIG);

      // A part S3 stored in the instant before the kill, not yet recorded, is the one part that may be sent again.
      const recorded = new Set(recordedAtKill.map((row) => row.part_number));
      const mustBeKept = atKill.filter((part) => recorded.has(part.number) || part.number < atKill.length);
      expect(mustBeKept.length, 'parts stored before the kill').to.be.at.least(3);
      const after = new Map(beforeCompletion.map((part) => [part.number, part]));
      for (const part of mustBeKept) expect(after.get(part.number), `part ${part.number} is the one stored before the kill, not uploaded again`).to.deep.equal(part);
      expect(beforeCompletion.length, 'the resumed attempt added parts').to.be.greaterThan(atKill.length);

      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      expect(head.ContentLength).to.equal(task.result.bytes);
      const stored = await objectBytes(task.result.object_key);
      expect(sha256(stored), "the result's SHA-256 is the stored object's").to.equal(task.result.sha256);
      const ids = gunzipSync(stored).toString('utf8').split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { id: string }).id);
      const inPostgres = await system.ownerPool.query("SELECT id::text FROM logs WHERE tenant_id = $1 AND resource = 'document' ORDER BY event_timestamp, id", [bigTenant]);
      expect(ids, 'every row of PostgreSQL once, in order').to.deep.equal(inPostgres.rows.map((row: { id: string }) => row.id));
      expect(await unfinishedUploads(), 'no unfinished upload is left behind').to.deep.equal([]);
      const leftover = await system.ownerPool.query('SELECT count(*)::int AS n FROM export_uploads WHERE task_id = $1', [taskId]);
      expect(leftover.rows[0].n, 'the resume record is forgotten once the object is complete').to.equal(0);
      resumedSha256 = task.result.sha256 as string;
      worker = second;
    } finally {
      client.destroy();
    }
  });

  it('an uninterrupted run of the same export writes the same bytes; worker memory does not follow the size', async () => {
    expect(worker, 'the resumed export left its worker running').to.not.equal(undefined);
    const second = worker as WorkerProcess;
    const token = tokenFor(system, 'auditor', bigTenant);
    // Again on the now warm worker, a third and then all of the rows: growth that does not follow the size is flat memory.
    const measure = async (body: Record<string, unknown>, rows: number): Promise<string> => {
      const before = rssKiB(second.pid);
      let top = before;
      const warmSampler = setInterval(() => (top = Math.max(top, rssKiB(second.pid))), 50);
      try {
        const again = await waitForTask(system, await startExport(body, token), 'succeeded', 300_000);
        expect(again.result.rows).to.equal(rows);
        console.log(`      warm worker RSS: ${(before / 1024).toFixed(0)} MiB before, ${(top / 1024).toFixed(0)} MiB peak during a ${rows}-row export (${(again.result.bytes / 1048576).toFixed(1)} MiB gzip): growth ${((top - before) / 1024).toFixed(0)} MiB`);
        return again.result.sha256 as string;
      } finally {
        clearInterval(warmSampler);
      }
    };
    const third = new Date(FROM.getTime() + (TO.getTime() - FROM.getTime()) / 3).toISOString();
    await measure({ format: 'ndjson', resource: 'document', end_time: third }, BIG / 3);
    const uninterrupted = await measure({ format: 'ndjson', resource: 'document' }, BIG);
    expect(uninterrupted, 'the resumed object has the bytes of an uninterrupted run').to.equal(resumedSha256);
  });
});
