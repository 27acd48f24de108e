import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { tenantsRepository } from '../../adapters/postgres/tenants-repository';
import { createStreamCursors } from '../../features/live-tail/stream-cursor';
import { tokenFor, validEvent } from '../support/fixtures';
import { openStream, streamSocket, type StreamClient } from '../support/stream-client';
import { testSystem, type TestSystem } from '../support/system';
import { waitFor } from '../support/wait-for';

const WRITERS = 20;
const SINGLE_POSTS_PER_WRITER = 10;
const BULK_SIZE = 5;

const lastCursor = (client: StreamClient): string => client.messages.filter((message) => message.type === 'log').at(-1).cursor;
const idsOf = (client: StreamClient): string[] => client.logs().map((event) => event.id as string);

describe('live tail resume: after=CURSOR replays what was missed from PostgreSQL, then continues live', function () {
  this.timeout(180_000);
  let system: TestSystem;

  before(async () => {
    system = await testSystem();
  });

  /** A tenant that 20 concurrent writers cannot push into 429s. */
  async function fastTenant(): Promise<string> {
    const tenant = await tenantsRepository(system.appPool).create({ id: randomUUID(), name: `stream-resume-${randomUUID()}`, rateLimit: { perSecond: 100_000, burst: 100_000 } });
    return tenant.id;
  }

  async function post(token: string, overrides: Record<string, unknown> = {}): Promise<string> {
    const response = await system.api.http.post('/api/v1/logs', { token, body: validEvent(overrides) });
    expect(response.status, response.text).to.equal(201);
    return response.body.id as string;
  }

  async function postBulk(token: string, count: number, overrides: Record<string, unknown>): Promise<string[]> {
    const logs = Array.from({ length: count }, () => validEvent(overrides));
    const response = await system.api.http.post('/api/v1/logs/bulk', { token, body: { logs } });
    expect(response.status, response.text).to.equal(201);
    return response.body.ids as string[];
  }

  /** The tenant's stored events in commit order, read from PostgreSQL rather than from the service. */
  async function storedIds(tenantId: string, where = 'true'): Promise<string[]> {
    const { rows } = await system.ownerPool.query<{ id: string }>(`SELECT id::text AS id FROM logs WHERE tenant_id = $1 AND ${where} ORDER BY position`, [tenantId]);
    return rows.map((row) => row.id);
  }

  async function closedBeforeAnyMessage(token: string, query: Record<string, string>) {
    const client = streamSocket(system.api.url, { token, query });
    const closed = await client.closed;
    expect(client.messages, `messages before the close of ${JSON.stringify(query)}`).to.deep.equal([]);
    expect(closed.reason).to.not.equal('');
    return closed;
  }

  it('hands a client that reconnects while 20 clients write every event it missed exactly once, in commit order, then live ones', async () => {
    const tenantId = await fastTenant();
    const reader = tokenFor(system, 'user', tenantId);
    const writers = Array.from({ length: WRITERS }, (_, w) => tokenFor(system, 'user', tenantId, `writer-${w}`));

    const first = await openStream(system.api.url, { token: reader });
    const early: string[] = [];
    for (let n = 0; n < 5; n += 1) early.push(await post(writers[0] as string, { message: `before the disconnect ${n}` }));
    await first.logWithId(early.at(-1) as string);
    const cursor = lastCursor(first);
    const seenBefore = idsOf(first);
    await first.close();

    let written = 0;
    const writing = Promise.all(
      writers.map(async (token, w) => {
        for (let n = 0; n < SINGLE_POSTS_PER_WRITER; n += 1) {
          await post(token, { user_id: `writer-${w}`, message: `writer ${w} event ${n}` });
          written += 1;
          if (n === SINGLE_POSTS_PER_WRITER / 2) written += (await postBulk(token, BULK_SIZE, { user_id: `writer-${w}`, message: `writer ${w} bulk` })).length;
        }
      }),
    );
    const total = WRITERS * (SINGLE_POSTS_PER_WRITER + BULK_SIZE);
    await waitFor('a third of the events written while disconnected', () => written >= total / 3, { timeoutMs: 60_000 });
    const writtenWhileAway = written;
    const resumed = await openStream(system.api.url, { token: reader, query: { after: cursor } });
    await writing;
    const live = await post(writers[1] as string, { message: 'live, after every writer finished' });
    await resumed.logWithId(live);

    const stored = await storedIds(tenantId);
    const received = idsOf(resumed);
    console.log(`      [resume] ${writtenWhileAway} of ${total} events written while disconnected; ${received.length} received after reconnecting; ${stored.length} stored`);
    expect(stored).to.have.length(5 + total + 1);
    expect(seenBefore).to.deep.equal(early);
    expect(new Set(received).size, 'no event twice').to.equal(received.length);
    expect(received.filter((id) => seenBefore.includes(id)), 'nothing seen before the disconnect').to.deep.equal([]);
    expect([...seenBefore, ...received].sort(), 'every stored event, across both connections').to.deep.equal([...stored].sort());
    expect(received, 'in commit order').to.deep.equal(stored.slice(seenBefore.length));
    const cursors = resumed.messages.filter((message) => message.type === 'log').map((message) => message.cursor as string);
    expect(new Set(cursors).size).to.equal(received.length);
    await resumed.close();
  });

  it('applies the filters while replaying, and resumes again from a cursor of the replay', async () => {
    const tenantId = await fastTenant();
    const reader = tokenFor(system, 'user', tenantId);
    const user = tokenFor(system, 'user', tenantId);
    const query = { severity: 'ERROR,CRITICAL', user_id: 'bob' };

    const first = await openStream(system.api.url, { token: reader, query });
    const seen = await post(user, { severity: 'error', user_id: 'bob' });
    await first.logWithId(seen);
    const cursor = lastCursor(first);
    await first.close();

    for (const [severity, userId] of [['info', 'bob'], ['error', 'bob'], ['critical', 'alice'], ['warning', 'bob'], ['critical', 'bob'], ['error', 'carol']]) {
      await post(user, { severity, user_id: userId });
    }
    const resumed = await openStream(system.api.url, { token: reader, query: { ...query, after: cursor } });
    const live = await post(user, { severity: 'critical', user_id: 'bob' });
    await resumed.logWithId(live);
    const afterSeen = `position > (SELECT position FROM logs WHERE id = '${seen}') AND severity IN ('ERROR', 'CRITICAL') AND user_id = 'bob'`;
    const expected = await storedIds(tenantId, afterSeen);
    expect(expected).to.have.length(3);
    expect(idsOf(resumed)).to.deep.equal(expected);
    await resumed.close();

    const replayCursor = resumed.messages.find((message) => message.type === 'log').cursor as string;
    const again = await openStream(system.api.url, { token: reader, query: { ...query, after: replayCursor } });
    await again.logWithId(live);
    expect(idsOf(again)).to.deep.equal(expected.slice(1));
    await again.close();
  });

  it('closes with 4410 for a cursor older than the resume window, and 4400 for a malformed, altered or other tenant\'s cursor, before any event', async () => {
    const [tenantId, otherId] = await Promise.all([fastTenant(), fastTenant()]);
    const reader = tokenFor(system, 'user', tenantId);
    const other = await openStream(system.api.url, { token: tokenFor(system, 'user', otherId) });
    await other.logWithId(await post(tokenFor(system, 'user', otherId)));
    const othersCursor = lastCursor(other);
    await other.close();
    const own = await openStream(system.api.url, { token: reader });
    await own.logWithId(await post(tokenFor(system, 'user', tenantId)));
    const ownCursor = lastCursor(own);
    await own.close();

    const cursors = createStreamCursors(system.config.cursor.secret);
    const windowMs = system.config.stream.resumeWindowMs;
    const tooOld = cursors.encode({ tenantId, position: 1, receivedAtMs: Date.now() - windowMs - 60_000 });
    expect(await closedBeforeAnyMessage(reader, { after: tooOld })).to.include({ code: 4410 });

    const [body, signature] = ownCursor.split('.') as [string, string];
    const altered = `${body}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    const ahead = cursors.encode({ tenantId, position: 1_000_000, receivedAtMs: Date.now() });
    for (const after of ['not-a-cursor', '', altered, `${body}x.${signature}`, othersCursor, ahead]) {
      expect(await closedBeforeAnyMessage(reader, { after }), after).to.include({ code: 4400 });
    }
    const resumed = await openStream(system.api.url, { token: reader, query: { after: ownCursor } });
    const live = await post(tokenFor(system, 'user', tenantId));
    await resumed.logWithId(live);
    expect(idsOf(resumed)).to.deep.equal([live]);
    await resumed.close();
  });
});
