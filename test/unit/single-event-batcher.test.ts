import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { EventIdConflictError } from '../../domain/errors';
import type { IngestResult } from '../../features/ingest/ingest-result';
import type { NewLogRow } from '../../domain/log-event';
import { createSingleEventBatcher } from '../../features/ingest/single-event-batcher';

const row = (eventId: string | null = null) => ({ id: randomUUID(), event_id: eventId, event_timestamp: new Date(), received_at: new Date() }) as unknown as NewLogRow;

/** A fake transaction writer: records each group, answers after the test releases it. */
function fakeWriter(fail: (rows: readonly NewLogRow[]) => Error | undefined = () => undefined) {
  const groups: { tenantId: string; ids: string[] }[] = [];
  const gates: (() => void)[] = [];
  const write = async (tenantId: string, _userId: string, rows: readonly NewLogRow[]): Promise<IngestResult> => {
    groups.push({ tenantId, ids: rows.map((r) => r.id) });
    await new Promise<void>((resolve) => gates.push(resolve));
    const error = fail(rows);
    if (error) throw error;
    return { taskId: randomUUID(), events: rows.map((r) => ({ id: r.id, event_timestamp: r.event_timestamp, received_at: r.received_at, duplicate: false })) };
  };
  const releaseAll = async () => {
    while (gates.length > 0) {
      gates.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { write, groups, releaseAll };
}

describe('single-event group commit', () => {
  it('writes a lone event at once, and the events that arrive meanwhile together in the next transaction', async () => {
    const writer = fakeWriter();
    const ingestOne = createSingleEventBatcher(writer.write);
    const rows = Array.from({ length: 6 }, () => row());
    const answers = rows.map((r) => ingestOne('t1', 'u', r));
    await new Promise((resolve) => setImmediate(resolve));
    expect(writer.groups.map((g) => g.ids.length)).to.deep.equal([1]);
    await writer.releaseAll();
    const events = await Promise.all(answers);
    expect(writer.groups.map((g) => g.ids.length)).to.deep.equal([1, 5]);
    expect(events.map((e) => e.id)).to.deep.equal(rows.map((r) => r.id));
  });

  it('never mixes tenants in one transaction', async () => {
    const writer = fakeWriter();
    const ingestOne = createSingleEventBatcher(writer.write);
    const answers = [ingestOne('t1', 'u', row()), ingestOne('t2', 'u', row()), ingestOne('t1', 'u', row()), ingestOne('t2', 'u', row())];
    await writer.releaseAll();
    await Promise.all(answers);
    expect(writer.groups.map((g) => g.tenantId)).to.deep.equal(['t1', 't2', 't1', 't2']);
  });

  it('fails only the conflicting event when its conflict rolls a group back', async () => {
    const clash = row('evt-clash');
    const writer = fakeWriter((rows) => (rows.includes(clash) ? new EventIdConflictError(0, 'evt-clash') : undefined));
    const ingestOne = createSingleEventBatcher(writer.write);
    const first = ingestOne('t1', 'u', row());
    const others = [row(), clash, row()];
    const settling = Promise.allSettled(others.map((r) => ingestOne('t1', 'u', r)));
    await writer.releaseAll();
    await first;
    const settled = await settling;
    expect(settled.map((s) => s.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).to.be.instanceOf(EventIdConflictError);
    expect(writer.groups.map((g) => g.ids.length)).to.deep.equal([1, 3, 1, 1, 1]);
  });

  it('rejects every event of a group that failed for another reason, without retrying one by one', async () => {
    const writer = fakeWriter((rows) => (rows.length > 1 ? new Error('connection terminated') : undefined));
    const ingestOne = createSingleEventBatcher(writer.write);
    const first = ingestOne('t1', 'u', row());
    const settling = Promise.allSettled([ingestOne('t1', 'u', row()), ingestOne('t1', 'u', row())]);
    await writer.releaseAll();
    await first;
    const settled = await settling;
    expect(settled.map((s) => s.status)).to.deep.equal(['rejected', 'rejected']);
    expect(writer.groups.map((g) => g.ids.length)).to.deep.equal([1, 2]);
  });
});
