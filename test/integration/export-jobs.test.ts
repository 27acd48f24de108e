import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { createHash, randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { AbortMultipartUploadCommand, CreateMultipartUploadCommand, HeadObjectCommand, ListMultipartUploadsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createS3Client } from '../../adapters/s3/s3-client';
import { exportObjectBytes, startExportJob } from '../support/export-jobs';
import { createExportExpiry } from '../../features/export/export-expiry';
import { createTenant, tokenFor, validEvent } from '../support/fixtures';
import { expectFirstAttempt } from '../support/activity-attempts';
import { holdingTableLock } from '../support/held-lock';
import { eventsBetween, taskRow, waitForTask } from '../support/retention';
import { seedLogs } from '../support/seed-logs';
import { testSystem, type TestSystem } from '../support/system';

const FROM = new Date('2026-02-01T00:00:00.000Z');
const TO = new Date('2026-02-08T00:00:00.000Z');
const EVENTS = 4000;
// The filter of every comparison: one resource, from a day in.
const FILTER = { resource: 'document', start_time: '2026-02-02T00:00:00Z' };
/** The export activity's heartbeat timeout (workflows/activity-presets.ts, `exportStreaming`). */
const HEARTBEAT_TIMEOUT_MS = 20_000;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('export jobs: POST /exports, the object in the bucket, GET /exports/{id}/download', function () {
  this.timeout(600_000);
  let system: TestSystem;
  let tenantId: string;
  let otherTenant: string;
  let auditor: string;
  const s3 = () => createS3Client(system.config.s3);

  const objectBytes = (key: string) => exportObjectBytes(system, key);

  /** The bytes of a download, untouched (the JSON client would read them as text). */
  async function download(taskId: string, token: string, query = ''): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
    const response = await fetch(`${system.api.url}/api/v1/exports/${taskId}/download${query}`, { headers: { authorization: `Bearer ${token}` }, redirect: 'manual' });
    return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
  }

  const startExport = (body: Record<string, unknown>, token = auditor) => startExportJob(system, body, token);

  async function countInPostgres(tenant: string): Promise<number> {
    const result = await system.ownerPool.query(
      'SELECT count(*)::int AS n FROM logs WHERE tenant_id = $1 AND resource = $2 AND event_timestamp >= $3',
      [tenant, FILTER.resource, FILTER.start_time],
    );
    return result.rows[0].n;
  }

  before(async () => {
    system = await testSystem();
    tenantId = await createTenant(system);
    otherTenant = await createTenant(system);
    auditor = tokenFor(system, 'auditor', tenantId);
    const events: Record<string, unknown>[] = eventsBetween(EVENTS, FROM, TO).map((event, i) => ({ ...event, resource: i % 2 === 0 ? 'document' : 'invoice' }));
    events.push(
      validEvent({
        event_timestamp: '2026-02-03T00:00:00.000Z',
        resource: 'document',
        user_id: '=HYPERLINK("http://evil.example","click")',
        action: '-2+3',
        message: '\rcarriage return',
        metadata: { formula: '=1+1' },
      }),
    );
    await seedLogs(system, tenantId, events, { index: false });
    await seedLogs(system, otherTenant, eventsBetween(50, FROM, TO).map((event) => ({ ...event, resource: 'document' })), { index: false });
  });

  for (const format of ['ndjson', 'csv'] as const) {
    it(`exports ${format}: 409 before success, then the same rows as GET /logs/export, the object's SHA-256 in the result`, async () => {
      const taskId = await startExport({ ...FILTER, format });
      const early = await download(taskId, auditor);
      const statusAfter = (await taskRow(system, taskId))?.status;
      if (statusAfter !== 'succeeded') expect(early.status, 'a download before the task succeeded').to.equal(409);
      expect(statusAfter, 'the task was still unfinished when downloaded early').to.not.equal('succeeded');

      const task = await waitForTask(system, taskId, 'succeeded');
      expect(task.task_type).to.equal('export');
      const result = task.result;
      expect(result.object_key).to.equal(`tenants/${tenantId}/exports/${taskId}.${format}.gz`);
      const expected = await countInPostgres(tenantId);
      expect(result.rows).to.equal(expected);
      expect(task.progress_done).to.equal(expected);
      const expiresIn = Date.parse(result.expires_at) - Date.now();
      expect(expiresIn).to.be.within(6 * 24 * 3600_000, 7 * 24 * 3600_000);

      const stored = await objectBytes(result.object_key);
      expect(stored.length).to.equal(result.bytes);
      expect(sha256(stored)).to.equal(result.sha256);

      const response = await download(taskId, auditor);
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-type')).to.equal('application/gzip');
      expect(response.headers.get('content-disposition')).to.equal(`attachment; filename="${taskId}.${format}.gz"`);
      expect(sha256(response.bytes)).to.equal(result.sha256);
      // The auditor's successful download is recorded once in the tenant's log (the early 409 is not a read).
      const recorded = await system.ownerPool.query(
        "SELECT metadata FROM logs WHERE tenant_id = $1 AND action = 'audit_log.viewed' AND metadata->>'endpoint' = 'GET /exports/{task_id}/download' AND metadata->'filters'->>'task_id' = $2",
        [tenantId, taskId],
      );
      expect(recorded.rows.map((row) => row.metadata.result_count)).to.deep.equal([expected]);

      const synchronous = await system.api.http.get(`/api/v1/logs/export?${new URLSearchParams({ ...FILTER, format }).toString()}`, { token: auditor });
      expect(synchronous.status).to.equal(200);
      const text = gunzipSync(response.bytes).toString('utf8');
      const lines = (s: string) => s.split('\n').filter(Boolean);
      expect(lines(text).length).to.equal(format === 'csv' ? lines(synchronous.text).length : expected);
      // Row by row: the job writes exactly the bytes of the synchronous export.
      expect(text).to.equal(synchronous.text);

      if (format === 'csv') {
        const records = parse(text, { columns: true }) as Record<string, string>[];
        expect(records).to.have.length(expected);
        const hostile = records.find((record) => record.action === "'-2+3");
        expect(hostile, 'the formula cells are neutralised').to.not.equal(undefined);
        expect(hostile?.user_id).to.equal('\'=HYPERLINK("http://evil.example","click")');
        expect(hostile?.message).to.equal("'\rcarriage return");
      } else {
        const ids = lines(text).map((line) => (JSON.parse(line) as { id: string }).id);
        const inPostgres = await system.ownerPool.query(
          'SELECT id::text FROM logs WHERE tenant_id = $1 AND resource = $2 AND event_timestamp >= $3 ORDER BY event_timestamp, id',
          [tenantId, FILTER.resource, FILTER.start_time],
        );
        expect(ids).to.deep.equal(inPostgres.rows.map((row: { id: string }) => row.id));
      }

      const presigned = await download(taskId, auditor, '?redirect=presigned');
      expect(presigned.status).to.equal(307);
      const location = presigned.headers.get('location') as string;
      expect(JSON.parse(presigned.bytes.toString('utf8')).download_url).to.equal(location);
      const viaUrl = await fetch(location);
      expect(viaUrl.status).to.equal(200);
      expect(sha256(Buffer.from(await viaUrl.arrayBuffer()))).to.equal(result.sha256);
    });
  }

  it("refuses another tenant's token, a user token, unknown and expired exports", async () => {
    const taskId = await startExport({ ...FILTER, format: 'ndjson' });
    const task = await waitForTask(system, taskId, 'succeeded');
    expect((await download(taskId, tokenFor(system, 'auditor', otherTenant))).status).to.equal(404);
    expect((await download(taskId, tokenFor(system, 'admin', otherTenant))).status).to.equal(404);
    expect((await download(taskId, tokenFor(system, 'user', tenantId))).status).to.equal(403);
    expect((await download('00000000-0000-4000-8000-000000000000', auditor)).status).to.equal(404);
    expect((await download('not-a-uuid', auditor)).status).to.equal(404);
    const user = await system.api.http.post('/api/v1/exports', { token: tokenFor(system, 'user', tenantId), body: { format: 'ndjson' } });
    expect(user.status).to.equal(403);
    const reindex = await system.api.http.post('/api/v1/reindex', { token: tokenFor(system, 'admin', tenantId) });
    expect(reindex.status).to.equal(202);
    expect((await download(reindex.body.task_id, auditor)).status, 'a task that is not an export').to.equal(404);

    await system.ownerPool.query(`UPDATE async_task SET result = jsonb_set(result, '{expires_at}', to_jsonb($2::text)) WHERE task_id = $1`, [
      taskId,
      new Date(Date.now() - 1000).toISOString(),
    ]);
    const expired = await download(taskId, auditor);
    expect(expired.status).to.equal(404);
    expect(JSON.parse(expired.bytes.toString('utf8')).detail).to.match(/expired/);
    expect(task.status).to.equal('succeeded');
  });

  it('the sweep deletes objects past EXPORT_RETENTION_DAYS, only under exports/, and the download then is a 404', async () => {
    const taskId = await startExport({ ...FILTER, format: 'csv' });
    const { result } = await waitForTask(system, taskId, 'succeeded');
    const client = s3();
    const bucket = system.config.s3.bucket;
    const probe = `tenants/${tenantId}/archives/sweep-probe.txt`;
    const exists = async (key: string) =>
      client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
        () => true,
        (error: { name?: string }) => (error.name === 'NotFound' ? false : Promise.reject(error)),
      );
    // What a failed export leaves for a retry to continue, and an unfinished upload that is not an export's.
    const unfinished = async (key: string) => (await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }))).UploadId as string;
    const failedExportKey = `tenants/${tenantId}/exports/${randomUUID()}.csv.gz`;
    const notAnExportKey = `tenants/${tenantId}/archives/sweep-probe-unfinished.ndjson.gz`;
    const uploadsAt = async (key: string) => ((await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key }))).Uploads ?? []).map((upload) => upload.UploadId);
    let notAnExportUpload = '';
    try {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: probe, Body: 'not an export' }));
      const failedExportUpload = await unfinished(failedExportKey);
      notAnExportUpload = await unfinished(notAnExportKey);
      const expiry = createExportExpiry({ s3: client, bucket, retentionDays: 7 });
      await expiry.deleteExpired(new Date());
      expect(await exists(result.object_key), 'a fresh export survives the sweep').to.equal(true);
      expect(await uploadsAt(failedExportKey), "a failed export's fresh upload is kept for a retry").to.deep.equal([failedExportUpload]);
      const swept = await expiry.deleteExpired(new Date(Date.now() + 8 * 24 * 3600_000));
      expect(swept.deleted).to.be.at.least(1);
      expect(swept.aborted).to.be.at.least(1);
      expect(await exists(result.object_key), 'an export past its retention is deleted').to.equal(false);
      expect(await uploadsAt(failedExportKey), "a failed export's upload past the retention is aborted").to.deep.equal([]);
      expect(await exists(probe), 'nothing outside exports/ is touched').to.equal(true);
      expect(await uploadsAt(notAnExportKey), 'no unfinished upload outside exports/ is touched').to.deep.equal([notAnExportUpload]);
      const gone = await download(taskId, auditor);
      expect(gone.status).to.equal(404);
    } finally {
      if (notAnExportUpload) await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: notAnExportKey, UploadId: notAnExportUpload }));
      client.destroy();
    }
  });

  it('names every bad field: format, filters, unknown fields; malformed JSON is a 400', async () => {
    const bad = await system.api.http.post('/api/v1/exports', {
      token: auditor,
      body: { format: 'xml', severity: 'LOUD', start_time: 'yesterday', ip_address: 'nowhere', colour: 'red' },
    });
    expect(bad.status).to.equal(422);
    const paths = (bad.body.errors as { path: string }[]).map((error) => error.path);
    expect(paths).to.include.members(['/format', '/severity', '/start_time', '/ip_address', '/colour']);
    const missing = await system.api.http.post('/api/v1/exports', { token: auditor, body: { resource: 'document' } });
    expect(missing.status).to.equal(422);
    expect((missing.body.errors as { path: string }[]).map((error) => error.path)).to.deep.equal(['/format']);
    const order = await system.api.http.post('/api/v1/exports', { token: auditor, body: { format: 'csv', start_time: '2026-02-03T00:00:00Z', end_time: '2026-02-02T00:00:00Z' } });
    expect(order.status).to.equal(422);
    const malformed = await system.api.http.post('/api/v1/exports', { token: auditor, rawBody: '{"format":', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).to.equal(400);
    const tasks = await system.ownerPool.query(`SELECT count(*)::int AS n FROM async_task WHERE tenant_id = $1 AND task_type = 'export' AND payload->>'format' = 'xml'`, [tenantId]);
    expect(tasks.rows[0].n).to.equal(0);
  });

  it('keeps its one attempt while its query waits past the heartbeat timeout before the first row', async () => {
    // A selective filter over a large tenant, or a locked table as here, keeps the first row back; an admin's export is not recorded as a read, so the request itself does not wait.
    const admin = tokenFor(system, 'admin', tenantId);
    const taskId = await holdingTableLock(
      system,
      'logs',
      () => startExport({ ...FILTER, format: 'ndjson' }, admin),
      HEARTBEAT_TIMEOUT_MS + 6_000,
    );
    const task = await waitForTask(system, taskId, 'succeeded');
    await expectFirstAttempt(system, task, 'writeExportObject');
    const expected = await countInPostgres(tenantId);
    expect(task.result.rows).to.equal(expected);
    expect(gunzipSync(await objectBytes(task.result.object_key)).toString('utf8').split('\n').filter(Boolean)).to.have.length(expected);
  });
});
