import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { tenantsRepository } from '../../adapters/postgres/tenants-repository';
import { tokenFor, validEvent } from './fixtures';
import type { HttpResponse } from './http-client';
import { documentIds } from './search-documents';
import type { StreamClient } from './stream-client';
import type { TestSystem } from './system';
import { waitFor } from './wait-for';

export const VIEWER_SUB = 'viewer-carol';
export const FIXED = { user_id: 'alice', resource: 'invoice' };

export function expectProblem(response: HttpResponse, status: number, what: string) {
  expect(response.status, `${what}: ${response.text}`).to.equal(status);
  expect(response.headers.get('content-type'), what).to.match(/^application\/problem\+json/);
}

export const ndjsonIds = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { id: string }).id);

/**
 * Two tenants, A's user, auditor and viewer (fixed filters FIXED), and events of A inside and
 * outside those filters and of B inside them, all searchable: what the viewer-token and
 * audited-read suites read through.
 */
export async function viewerFixture(system: TestSystem) {
  const admin = tokenFor(system, 'admin');
  const [tenantA, tenantB] = [randomUUID(), randomUUID()];
  for (const id of [tenantA, tenantB]) {
    await tenantsRepository(system.appPool).create({ id, name: `viewer-${id}`, rateLimit: { perSecond: 10_000, burst: 20_000 } });
  }
  const http = () => system.api.http;
  const post = async (token: string, event: Record<string, unknown>) => {
    const response = await http().post('/api/v1/logs', { token, body: event });
    expect(response.status, response.text).to.equal(201);
    return response.body.id as string;
  };
  const mint = (tenantId: string, body: Record<string, unknown>) => http().post(`/api/v1/tenants/${tenantId}/tokens`, { token: admin, body });

  const user = tokenFor(system, 'user', tenantA);
  const auditor = tokenFor(system, 'auditor', tenantA, 'auditor-dan');
  const minted = await mint(tenantA, { sub: VIEWER_SUB, role: 'viewer', ttl_seconds: 600, filters: FIXED });
  expect(minted.status, minted.text).to.equal(201);
  const viewer = minted.body.token as string;
  const get = (path: string, token = viewer) => http().get(path, { token });

  const inside = [await post(user, validEvent({ ...FIXED, action: 'invoice.paid' })), await post(user, validEvent({ ...FIXED, action: 'invoice.sent' }))];
  const outside = [
    await post(user, validEvent({ user_id: 'alice', resource: 'order' })),
    await post(user, validEvent({ user_id: 'bob', resource: 'invoice' })),
    await post(user, validEvent({ user_id: 'bob', resource: 'order' })),
  ];
  /** Tenant B's events inside the same filters. */
  const foreign = [await post(tokenFor(system, 'user', tenantB), validEvent({ ...FIXED }))];
  await waitFor('the events to be searchable', async () => {
    const [a, b] = [await documentIds(system, tenantA), await documentIds(system, tenantB)];
    return [...inside, ...outside].every((id) => a.has(id)) && foreign.every((id) => b.has(id));
  }, { timeoutMs: 60_000, intervalMs: 250 });

  /** The audit_log.viewed events of a tenant, straight from PostgreSQL. */
  const viewedEvents = async (tenantId: string, reader: string) =>
    (
      await system.ownerPool.query<{ id: string; user_id: string; resource: string; metadata: any }>(
        "SELECT id, user_id, resource, metadata FROM logs WHERE tenant_id = $1 AND action = 'audit_log.viewed' AND user_id = $2 ORDER BY received_at, id",
        [tenantId, reader],
      )
    ).rows;

  /** Runs `read` and returns the audit events it left: exactly `expected` new ones, none arriving later. */
  async function viewsLeftBy(tenantId: string, reader: string, read: () => Promise<unknown>, expected: number) {
    const before = (await viewedEvents(tenantId, reader)).length;
    await read();
    const after = await waitFor(`${expected} new audit_log.viewed event(s)`, async () => {
      const rows = await viewedEvents(tenantId, reader);
      return rows.length >= before + expected ? rows : undefined;
    }, { timeoutMs: 5_000, intervalMs: 50 });
    // Nothing more arrives later: the record is committed before the read answers.
    const settled = await viewedEvents(tenantId, reader);
    expect(settled.length, 'audit_log.viewed events written by the read').to.equal(before + expected);
    return after.slice(before);
  }

  const streams: StreamClient[] = [];
  return {
    admin, tenantA, tenantB, user, auditor, viewer, viewerTokenId: minted.body.token_id as string,
    inside, outside, foreign, streams, http, get, post, mint, viewedEvents, viewsLeftBy,
    closeStreams: () => Promise.all(streams.map((stream) => stream.close())),
  };
}

export type ViewerFixture = Awaited<ReturnType<typeof viewerFixture>>;
