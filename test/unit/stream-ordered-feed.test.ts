import { expect } from 'chai';
import pino from 'pino';
import type { StoredPositionedEvent } from '../../adapters/postgres/log-positions-repository';
import type { LogEvent } from '../../domain/log-event';
import type { LiveEvent } from '../../features/live-tail/live-event';
import type { LogReplay } from '../../features/live-tail/log-replay';
import { OrderedFeed, type FeedTarget } from '../../features/live-tail/ordered-feed';
import { createStreamCursors } from '../../features/live-tail/stream-cursor';
import { waitFor } from '../support/wait-for';

const TENANT = '00000000-0000-4000-8000-000000000001';
const cursors = createStreamCursors('an ordered-feed test secret of 32 characters or more');
const stored = (position: number): StoredPositionedEvent => ({
  position,
  event: { id: `event-${position}`, tenant_id: TENANT, received_at: new Date().toISOString(), seq: null } as unknown as LogEvent & { seq: null },
});
const live = (...positions: number[]): LiveEvent[] => positions.map((position) => cursors.liveEvent(TENANT, stored(position)));

/** The tenant's committed events 1..committed, and every read the feed made of them. */
function fakeReplay(committed: () => number) {
  const reads: [number, number][] = [];
  const replay: LogReplay = {
    highWater: async () => committed(),
    async between(_tenant, from, to, limit) {
      reads.push([from, to]);
      await new Promise((resolve) => setImmediate(resolve));
      const rows: StoredPositionedEvent[] = [];
      for (let position = from; position <= Math.min(to, committed()) && rows.length < limit; position += 1) rows.push(stored(position));
      return rows;
    },
  };
  return { replay, reads };
}

class RecordingTarget implements FeedTarget {
  readonly positions: number[] = [];
  readonly caughtUp: number[] = [];
  isOpen = true;
  closedWith: number | undefined;
  onEvents(events: readonly LiveEvent[]) {
    this.positions.push(...events.map((event) => event.position));
  }
  sendCaughtUp(events: readonly LiveEvent[]) {
    this.caughtUp.push(...events.map((event) => event.position));
    this.positions.push(...events.map((event) => event.position));
  }
  onInterrupted() {}
  async room() {
    return this.isOpen;
  }
  close(code: number) {
    this.closedWith = code;
    this.isOpen = false;
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('live tail ordered feed', () => {
  const logger = pino({ level: 'silent' });

  it('puts publishes that overtook each other back in commit order, without reading PostgreSQL', async () => {
    const { replay, reads } = fakeReplay(() => 4);
    const feed = new OrderedFeed({ tenantId: TENANT, replay, cursors, logger, gapGraceMs: 10_000 });
    const target = new RecordingTarget();
    feed.start(target, 1, 0);
    feed.onEvents(live(3, 4));
    feed.onEvents(live(1));
    feed.onEvents(live(2));
    expect(target.positions).to.deep.equal([1, 2, 3, 4]);
    expect(reads).to.deep.equal([]);
    feed.stop();
  });

  it('reads a lost publish from PostgreSQL once the grace period passes, then goes on live', async () => {
    const { replay, reads } = fakeReplay(() => 5);
    const feed = new OrderedFeed({ tenantId: TENANT, replay, cursors, logger, gapGraceMs: 20 });
    const target = new RecordingTarget();
    feed.start(target, 1, 0);
    feed.onEvents(live(1));
    feed.onEvents(live(3, 4));
    await waitFor('the hole to be filled', () => target.positions.length === 4, { timeoutMs: 2000, intervalMs: 5 });
    feed.onEvents(live(4, 5));
    expect(target.positions).to.deep.equal([1, 2, 3, 4, 5]);
    expect(target.caughtUp).to.deep.equal([2]);
    expect(reads).to.deep.equal([[2, 2]]);
    feed.stop();
  });

  it('replays from a cursor in pages while live events keep coming, with no gap and no duplicate at the switch', async () => {
    let committed = 250;
    const { replay, reads } = fakeReplay(() => committed);
    const feed = new OrderedFeed({ tenantId: TENANT, replay, cursors, logger, pageSize: 100 });
    const target = new RecordingTarget();
    feed.onEvents(live(249, 250));
    feed.start(target, 11, 250);
    for (let position = 251; position <= 400; position += 1) {
      committed = position;
      feed.onEvents(live(position));
      if (position % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await waitFor('every position', () => target.positions.length >= 390, { timeoutMs: 2000, intervalMs: 5 });
    expect(target.positions).to.deep.equal(range(11, 400));
    expect(reads.length).to.be.greaterThan(1);
    feed.stop();
  });

  it('closes the socket with 1013 when PostgreSQL cannot be read', async () => {
    const replay: LogReplay = { highWater: async () => 3, between: async () => Promise.reject(new Error('down')) };
    const feed = new OrderedFeed({ tenantId: TENANT, replay, cursors, logger });
    const target = new RecordingTarget();
    feed.start(target, 1, 3);
    await waitFor('the close', () => target.closedWith === 1013, { timeoutMs: 2000, intervalMs: 5 });
    expect(target.positions).to.deep.equal([]);
  });
});
