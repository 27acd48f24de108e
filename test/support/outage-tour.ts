import { expect } from 'chai';
import { createTenant, tokenFor, validEvent } from './fixtures';
import { CUTOFF, LONG_AGO } from './retention';
import type { HttpResponse } from './http-client';
import { openStream, refusedStream, type StreamClient } from './stream-client';
import type { TestSystem } from './system';
import { waitFor } from './wait-for';

/** A tenant and a token per role, on one system. */
export interface OutageTenant {
  tenantId: string;
  user: string;
  /** The tenant's admin, for reads: an auditor's reads would add audit_log.viewed events to what the tour counts. */
  reader: string;
  admin: string;
}

export async function outageTenant(system: TestSystem): Promise<OutageTenant> {
  const tenantId = await createTenant(system);
  return { tenantId, user: tokenFor(system, 'user', tenantId), reader: tokenFor(system, 'admin', tenantId), admin: tokenFor(system, 'admin') };
}

/** Every id a user was given a 2xx for, and the tasks named in those answers. */
export class Acknowledged {
  readonly ids: string[] = [];
  readonly taskIds: string[] = [];

  record(response: HttpResponse): void {
    if (response.status !== 201) return;
    if (Array.isArray(response.body.ids)) this.ids.push(...(response.body.ids as string[]));
    else this.ids.push(response.body.id as string);
    if (response.body.task_id) this.taskIds.push(response.body.task_id as string);
  }
}

export function postOne(system: TestSystem, tenant: OutageTenant, message: string) {
  return system.api.http.post('/api/v1/logs', { token: tenant.user, body: validEvent({ message }) });
}

/** An event from long ago, for a retention cleanup to archive and delete. */
export function postOld(system: TestSystem, tenant: OutageTenant, message: string) {
  return system.api.http.post('/api/v1/logs', { token: tenant.user, body: validEvent({ message, event_timestamp: LONG_AGO.toISOString() }) });
}

/** `DELETE /logs/cleanup` for everything before 2025, as a platform admin acting on the tenant. */
export function requestCleanup(system: TestSystem, tenant: OutageTenant) {
  return system.api.http.request('DELETE', `/api/v1/logs/cleanup?tenant_id=${tenant.tenantId}&before_date=${encodeURIComponent(CUTOFF.toISOString())}`, { token: tenant.admin });
}

export function postBulk(system: TestSystem, tenant: OutageTenant, message: string, count = 5) {
  const logs = Array.from({ length: count }, (_, i) => validEvent({ message: `${message} #${i}` }));
  return system.api.http.post('/api/v1/logs/bulk', { token: tenant.user, body: { logs } });
}

/**
 * What the archive-minded outage tests do before stopping the server: an old event (for a cleanup
 * to archive) and a recent one, both indexed, and a live tail open.
 */
export async function seedBeforeOutage(system: TestSystem, tenant: OutageTenant) {
  const acknowledged = new Acknowledged();
  const old = await postOld(system, tenant, 'old, to be archived');
  const before = await postOne(system, tenant, 'before the outage');
  [old, before].forEach((response) => acknowledged.record(response));
  await waitUntilIndexed(system, tenant.tenantId, acknowledged.ids);
  const tail = await openTail(system, tenant);
  return { acknowledged, old, before, tail };
}

/** What every outage test does first while the server is down: a single and a bulk POST, both 201 and committed. */
export async function ingestDuringOutage(system: TestSystem, tenant: OutageTenant, acknowledged: Acknowledged) {
  const single = await postOne(system, tenant, 'during the outage');
  const bulk = await postBulk(system, tenant, 'bulk during the outage');
  expect([single.status, bulk.status], `${single.text} ${bulk.text}`).to.deep.equal([201, 201]);
  [single, bulk].forEach((response) => acknowledged.record(response));
  await expectCommitted(system, tenant.tenantId, acknowledged.ids);
  return { single, bulk };
}

/** What a user reads: search, one event, stats, an export, a task. */
export async function readEverything(system: TestSystem, tenant: OutageTenant, logId: string, taskId: string) {
  const { http } = system.api;
  const as = { token: tenant.reader };
  const [search, read, stats, exported, task] = await Promise.all([
    http.get('/api/v1/logs?page_size=5', as),
    http.get(`/api/v1/logs/${logId}`, as),
    http.get('/api/v1/logs/stats?interval=hour&group_by=severity', as),
    http.get('/api/v1/logs/export?format=ndjson', as),
    http.get(`/api/v1/tasks/${taskId}`, as),
  ]);
  return { search, read, stats, exported, task };
}

/**
 * The rule for every answer during an outage: a success, a client error, or a 503 problem+json
 * whose detail says what is unavailable. Never a 500 (or any other 5xx).
 */
export function expectNoServerError(name: string, response: HttpResponse): void {
  if (response.status < 500) return;
  expect(response.status, `${name} answered ${response.status}: ${response.text.slice(0, 300)}`).to.equal(503);
  expectUnavailableProblem(name, response);
}

/** A 503 problem+json with a detail that names `what` (a dependency, or the feature it serves). */
export function expectUnavailableProblem(name: string, response: HttpResponse, what?: RegExp): void {
  expect(response.status, `${name}: ${response.text.slice(0, 300)}`).to.equal(503);
  expect(response.headers.get('content-type'), name).to.match(/^application\/problem\+json/);
  expect(response.body, name).to.include({ status: 503, title: 'Service Unavailable' });
  expect(response.body.detail, name).to.be.a('string').and.not.match(/at .+\(.+:\d+:\d+\)/);
  if (what) expect(response.body.detail, name).to.match(what);
}

/** `GET /readyz` as an operator sees it: `httpStatus` (503 when a required dependency is down) and the dependency's state. */
export async function expectReadiness(system: TestSystem, httpStatus: 200 | 503, dependency: string, state: 'up' | 'down'): Promise<void> {
  const readiness = await system.api.http.get('/readyz');
  expect(readiness.status, readiness.text).to.equal(httpStatus);
  expect(readiness.body.dependencies?.[dependency]?.status, `readyz ${dependency}: ${readiness.text}`).to.equal(state);
}

/** Every acknowledged event is a row in PostgreSQL (read as the owner, across row-level security). */
export async function expectCommitted(system: TestSystem, tenantId: string, ids: readonly string[]): Promise<void> {
  const rows = await system.ownerPool.query<{ id: string }>('SELECT id::text FROM logs WHERE tenant_id = $1 AND id = ANY($2::uuid[])', [tenantId, ids]);
  expect(rows.rows.map((row) => row.id).sort()).to.deep.equal([...ids].sort());
}

async function indexedIds(system: TestSystem, tenantId: string, ids: readonly string[]): Promise<Set<string>> {
  const { index } = system.config.opensearch;
  const response = await system.opensearch.mget({ index, routing: tenantId, body: { ids } } as never);
  const docs = (response.body as unknown as { docs: { _id: string; found: boolean }[] }).docs;
  return new Set(docs.filter((doc) => doc.found).map((doc) => doc._id));
}

/** Waits until every id is a document in the system's OpenSearch index. */
export async function waitUntilIndexed(system: TestSystem, tenantId: string, ids: readonly string[], timeoutMs = 180_000): Promise<void> {
  let missing = ids.length;
  await waitFor(
    `${ids.length} acknowledged events to reach OpenSearch`,
    async () => {
      const found = await indexedIds(system, tenantId, ids);
      missing = ids.length - found.size;
      return missing === 0;
    },
    { timeoutMs, intervalMs: 500 },
  ).catch((error: Error) => {
    throw new Error(`${error.message}; ${missing} still missing`);
  });
}

export async function taskStatuses(system: TestSystem, taskIds: readonly string[]): Promise<Map<string, { status: string; error_msg: string | null }>> {
  const rows = await system.ownerPool.query('SELECT task_id::text, status, error_msg FROM async_task WHERE task_id = ANY($1::uuid[])', [taskIds]);
  return new Map(rows.rows.map((row) => [row.task_id, { status: row.status, error_msg: row.error_msg }]));
}

/** Every task of the tenant's events (the ones behind single events too, which no answer names); its sealer's sessions are not the subject here. */
export async function tenantTaskIds(system: TestSystem, tenantId: string): Promise<string[]> {
  const rows = await system.ownerPool.query<{ task_id: string }>(
    `SELECT task_id::text FROM async_task WHERE tenant_id = $1 AND task_type <> 'integrity_seal' ORDER BY created_at`,
    [tenantId],
  );
  return rows.rows.map((row) => row.task_id);
}

/** Waits until every task has ended, and returns those that did not succeed. */
export async function waitUntilTasksEnd(system: TestSystem, taskIds: readonly string[], timeoutMs = 180_000) {
  const statuses = await waitFor(
    `${taskIds.length} tasks to end`,
    async () => {
      const current = await taskStatuses(system, taskIds);
      return taskIds.every((id) => ['succeeded', 'failed'].includes(current.get(id)?.status ?? '')) ? current : undefined;
    },
    { timeoutMs, intervalMs: 500 },
  );
  return [...statuses].filter(([, task]) => task.status !== 'succeeded');
}

/** A live-tail subscriber opened before an outage, to see what it is told during and after. */
export function openTail(system: TestSystem, tenant: OutageTenant): Promise<StreamClient> {
  return openStream(system.api.url, { token: tenant.reader });
}

export { refusedStream };
