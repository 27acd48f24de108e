import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { tenantsRepository } from '../../adapters/postgres/tenants-repository';
import type { Role } from '../../domain/auth';
import { tokenFor, validEvent } from './fixtures';
import type { TestSystem } from './system';
import { waitFor } from './wait-for';

/** One tenant of the isolation matrix: its tokens and everything it owns that a request can name. */
export interface MatrixTenant {
  id: string;
  /** Unique to this tenant: its events' actor, and a word in their messages. */
  userId: string;
  marker: string;
  tokens: Record<Role, string>;
  logIds: Set<string>;
  taskIds: Set<string>;
  /** A next_cursor of this tenant's search. */
  cursor: string;
}

export interface MatrixWorld {
  system: TestSystem;
  tenants: MatrixTenant[];
  platformAdmin: string;
  /** In every tenant's messages: a search for it would surface a leak. */
  sharedWord: string;
  range: { start_time: string; end_time: string };
  eventsPerTenant: number;
  /** Everything that identifies tenants other than `tenant`, to scan responses for. */
  foreignMarkers(tenant: MatrixTenant): string[];
  /** Every identifier of every tenant, for responses that must name none. */
  allMarkers(): string[];
}

const EVENTS_PER_TENANT = 5;

async function searchTotal(system: TestSystem, token: string, word: string): Promise<number> {
  const response = await system.api.http.get(`/api/v1/logs?q=${word}&page_size=1`, { token });
  return response.status === 200 ? (response.body.total as number) : -1;
}

/**
 * `count` tenants, each with the same events (only the tenant, actor and marker differ) written
 * through POST /logs/bulk and indexed by the real pipeline, so every read path has rows to leak.
 */
export async function buildMatrixWorld(system: TestSystem, count: number): Promise<MatrixWorld> {
  const sharedWord = `shared${randomUUID().replace(/-/g, '')}`;
  const now = Date.now();
  const range = { start_time: new Date(now - 2 * 3600_000).toISOString(), end_time: new Date(now + 60_000).toISOString() };
  const tenants: MatrixTenant[] = [];
  for (let index = 0; index < count; index += 1) {
    const id = randomUUID();
    // A budget no matrix run can exhaust: a 429 would hide what the matrix is looking for.
    await tenantsRepository(system.appPool).create({ id, name: `matrix-${id}`, rateLimit: { perSecond: 10_000, burst: 20_000 } });
    const short = id.slice(0, 8);
    const tokens = { user: tokenFor(system, 'user', id), auditor: tokenFor(system, 'auditor', id), admin: tokenFor(system, 'admin', id), viewer: tokenFor(system, 'viewer', id) };
    const marker = `marker${short}`;
    const logs = Array.from({ length: EVENTS_PER_TENANT }, (_, i) =>
      validEvent({ user_id: `actor-${short}`, message: `${sharedWord} ${marker} #${i}`, event_timestamp: new Date(now - 3600_000 + i * 60_000).toISOString() }),
    );
    const written = await system.api.http.post('/api/v1/logs/bulk', { token: tokens.user, body: { logs } });
    expect(written.status, written.text).to.equal(201);
    tenants.push({ id, userId: `actor-${short}`, marker, tokens, logIds: new Set(written.body.ids), taskIds: new Set([written.body.task_id]), cursor: '' });
  }
  for (const tenant of tenants) {
    await waitFor(`tenant ${tenant.id}'s events to be searchable`, async () => (await searchTotal(system, tenant.tokens.user, tenant.marker)) === EVENTS_PER_TENANT, {
      timeoutMs: 90_000,
      intervalMs: 250,
    });
    const page = await system.api.http.get('/api/v1/logs?page_size=2', { token: tenant.tokens.user });
    expect(page.body.next_cursor, page.text).to.be.a('string');
    tenant.cursor = page.body.next_cursor;
  }

  const markersOf = (tenant: MatrixTenant) => [tenant.id, tenant.userId, tenant.marker, ...tenant.logIds, ...tenant.taskIds];
  return {
    system,
    tenants,
    platformAdmin: tokenFor(system, 'admin'),
    sharedWord,
    range,
    eventsPerTenant: EVENTS_PER_TENANT,
    foreignMarkers: (tenant) => tenants.filter((other) => other !== tenant).flatMap(markersOf),
    allMarkers: () => tenants.flatMap(markersOf),
  };
}
