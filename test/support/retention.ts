import { createHash, randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { createS3Client } from '../../adapters/s3/s3-client';
import { tenantsRepository } from '../../adapters/postgres/tenants-repository';
import type { Config } from '../../platform/config/config';
import type { Manifest } from '../../adapters/s3/manifest';
import { validEvent } from './fixtures';
import type { TestSystem } from './system';
import { waitFor } from './wait-for';

export const CUTOFF = new Date('2025-01-01T00:00:00.000Z');
export const LONG_AGO = new Date('2024-06-01T00:00:00.000Z');
export const RECENTLY = new Date(Date.now() - 24 * 3600 * 1000);

/** A tenant whose retention is far beyond the test data, so no scheduled sweep ever archives it. */
export async function createRetentionTenant(system: TestSystem): Promise<string> {
  const tenant = await tenantsRepository(system.appPool).create({ id: randomUUID(), name: `retention-${randomUUID()}`, retentionDays: 36500 });
  return tenant.id;
}

/** A gate an activity waits at until the test opens it. */
export function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** `DELETE /logs/cleanup` as a platform admin acting on `tenantId`. */
export function requestCleanupOverHttp(system: TestSystem, token: string, tenantId: string, beforeDate: Date | string) {
  const cutoff = typeof beforeDate === 'string' ? beforeDate : beforeDate.toISOString();
  return system.api.http.request('DELETE', `/api/v1/logs/cleanup?tenant_id=${tenantId}&before_date=${encodeURIComponent(cutoff)}`, { token });
}

/** `count` events spread evenly over [from, to), every third one with a client event_id. */
export function eventsBetween(count: number, from: Date, to: Date, tag: string = randomUUID()): Record<string, unknown>[] {
  const span = to.getTime() - from.getTime();
  return Array.from({ length: count }, (_, i) =>
    validEvent({
      event_timestamp: new Date(from.getTime() + Math.floor((span * i) / count)).toISOString(),
      message: `${tag} #${i}`,
      ...(i % 3 === 0 ? { event_id: `${tag}-${i}` } : {}),
    }),
  );
}

export type TaskRow = Record<string, any>;

export async function taskRow(system: TestSystem, taskId: string): Promise<TaskRow | undefined> {
  const result = await system.ownerPool.query('SELECT * FROM async_task WHERE task_id = $1', [taskId]);
  return result.rows[0];
}

/** Waits for the task to reach `status`; fails at once if it ends in the other final state instead. */
export async function waitForTask(system: TestSystem, taskId: string, status: 'succeeded' | 'failed', timeoutMs = 120_000): Promise<TaskRow> {
  const other = status === 'succeeded' ? 'failed' : 'succeeded';
  let ended: TaskRow | undefined;
  const row = await waitFor(
    `task ${taskId} to be ${status}`,
    async () => {
      const current = await taskRow(system, taskId);
      if (current?.status === other) ended = current;
      return current?.status === status || ended ? current : undefined;
    },
    { timeoutMs, intervalMs: 250 },
  );
  if (ended) throw new Error(`task ${taskId} ended ${other} instead of ${status}: ${ended.error_msg ?? JSON.stringify(ended.result)}`);
  return row;
}

export async function countLogs(system: TestSystem, tenantId: string): Promise<number> {
  const result = await system.ownerPool.query('SELECT count(*)::int AS n FROM logs WHERE tenant_id = $1', [tenantId]);
  return result.rows[0].n;
}

export async function logIds(system: TestSystem, tenantId: string): Promise<Set<string>> {
  const result = await system.ownerPool.query('SELECT id::text FROM logs WHERE tenant_id = $1', [tenantId]);
  return new Set(result.rows.map((row: { id: string }) => row.id));
}

export async function countDocuments(system: TestSystem, tenantId: string): Promise<number> {
  await system.opensearch.indices.refresh({ index: system.config.opensearch.index });
  const response = await system.opensearch.count({ index: system.config.opensearch.index, routing: tenantId, body: { query: { term: { tenant_id: tenantId } } } });
  return response.body.count;
}

async function bytesOf(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const chunks: Buffer[] = [];
  for await (const chunk of response.Body as Readable) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

export interface ArchivedEvent {
  id: string;
  tenant_id: string;
  event_timestamp: string;
  received_at: string;
}

/** Reads archives straight from S3, independently of the service's reader, checking every checksum. */
export function archiveInspector(config: Config) {
  const s3 = createS3Client(config.s3);
  const bucket = config.s3.bucket;
  return {
    s3,
    async manifest(key: string): Promise<{ manifest: Manifest; sha256: string }> {
      const bytes = await bytesOf(s3, bucket, key);
      return { manifest: JSON.parse(bytes.toString('utf8')) as Manifest, sha256: sha256(bytes) };
    },
    /** The full rows of one part, as archived. */
    async rows(partKey: string): Promise<Record<string, unknown>[]> {
      const bytes = await bytesOf(s3, bucket, partKey);
      return gunzipSync(bytes).toString('utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    /** Every event of every part of the manifest, after checking each part's size and SHA-256 against it. */
    async events(manifest: Manifest): Promise<ArchivedEvent[]> {
      const events: ArchivedEvent[] = [];
      for (const part of manifest.parts) {
        const bytes = await bytesOf(s3, bucket, part.key);
        if (bytes.length !== part.bytes || sha256(bytes) !== part.sha256) throw new Error(`${part.key} does not match its manifest entry`);
        const lines = gunzipSync(bytes).toString('utf8');
        const rows = lines.split('\n').filter(Boolean).map((line) => JSON.parse(line) as ArchivedEvent);
        if (rows.length !== part.rows) throw new Error(`${part.key} holds ${rows.length} rows, its manifest entry says ${part.rows}`);
        for (const { id, tenant_id, event_timestamp, received_at } of rows) events.push({ id, tenant_id, event_timestamp, received_at });
      }
      return events;
    },
    close: () => s3.destroy(),
  };
}

/** Seeding bypasses ingest, so the `event_id` claims ingest would write are added here. */
export async function claimSeededEventIds(system: TestSystem, tenantId: string): Promise<number> {
  const result = await system.ownerPool.query(
    `INSERT INTO log_event_ids (tenant_id, event_id, log_id, event_timestamp, received_at, content_sha256)
     SELECT tenant_id, event_id, id, event_timestamp, received_at, sha256(event_id::bytea)
       FROM logs WHERE tenant_id = $1 AND event_id IS NOT NULL
     ON CONFLICT (tenant_id, event_id) DO NOTHING`,
    [tenantId],
  );
  return result.rowCount ?? 0;
}
