import type { Logger } from '../../platform/observability/logger';
import type { LiveEvent } from './live-event';
import type { LiveListener } from './live-hub';
import type { LogReplay } from './log-replay';
import type { StreamCursors } from './stream-cursor';
import { CLOSE_CODES } from './stream-connection';

/** The socket side of a feed (StreamConnection). */
export interface FeedTarget {
  readonly isOpen: boolean;
  /** Live delivery: events that do not fit the send buffer are dropped and counted. */
  onEvents(events: readonly LiveEvent[]): void;
  /** Catch-up delivery: sent whole; the caller waited for `room()` first. */
  sendCaughtUp(events: readonly LiveEvent[]): void;
  onInterrupted(): void;
  /** Resolves true once the send buffer has room, false if the socket closed (or was closed for staying full). */
  room(): Promise<boolean>;
  close(code: number, reason: string): void;
}

export interface OrderedFeedOptions {
  tenantId: string;
  replay: LogReplay;
  cursors: StreamCursors;
  logger: Logger;
  /** How long a hole in the live order may wait for its overtaken publish before it is read from PostgreSQL. */
  gapGraceMs?: number;
  /** Events read from PostgreSQL per query (and at most sent past the send buffer at once). */
  pageSize?: number;
  /** Live events held while catching up; beyond it they are read from PostgreSQL again instead. */
  maxPending?: number;
}

/**
 * Hands one socket its tenant's events exactly once and in commit order (positions, migration 095),
 * whatever order Redis delivers them in, and fills every hole from PostgreSQL: the events after a
 * resume cursor, a publish that was lost, or one overtaken by a later transaction's.
 *
 * It is subscribed to the live feed before the stream's starting position is known, so nothing
 * published meanwhile is missed; `start` then sets the next position to deliver. Positions are
 * dense and become visible in order, so any position up to the highest one seen (live, or the
 * high-water mark read after subscribing) is committed and can be read: the switch from replay to
 * live has no gap, and skipping positions below the next one leaves no duplicate.
 */
export class OrderedFeed implements LiveListener {
  private target: FeedTarget | undefined;
  private next = 1;
  private high = 0;
  private readonly pending = new Map<number, LiveEvent>();
  private interrupted = false;
  private catchingUp = false;
  private reading = false;
  private stopped = false;
  private gapTimer: NodeJS.Timeout | undefined;
  private readonly gapGraceMs: number;
  private readonly pageSize: number;
  private readonly maxPending: number;

  constructor(private readonly options: OrderedFeedOptions) {
    this.gapGraceMs = options.gapGraceMs ?? 250;
    this.pageSize = options.pageSize ?? 100;
    this.maxPending = options.maxPending ?? 256;
  }

  /** Delivers from position `next` on; every position up to `highWater` is known to be committed. */
  start(target: FeedTarget, next: number, highWater: number): void {
    this.target = target;
    this.next = next;
    this.high = Math.max(this.high, highWater);
    this.prune();
    this.catchingUp = this.next <= this.high;
    if (this.interrupted) target.onInterrupted();
    this.pump();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.gapTimer);
    this.pending.clear();
  }

  onEvents(events: readonly LiveEvent[]): void {
    if (this.stopped) return;
    if (this.continuesOrder(events)) {
      // The common case, once per socket for every live message: the events follow the last one
      // delivered with nothing held or being read, so they go on as they are, shared by every socket.
      this.next += events.length;
      this.high = this.next - 1;
      (this.target as FeedTarget).onEvents(events);
      return;
    }
    for (const live of events) {
      this.high = Math.max(this.high, live.position);
      if (live.position >= this.next && this.pending.size < this.maxPending) this.pending.set(live.position, live);
    }
    this.pump();
  }

  onInterrupted(): void {
    this.interrupted = true;
    this.target?.onInterrupted();
  }

  private pump(): void {
    const target = this.target;
    if (!target || this.reading || this.stopped) return;
    this.deliverPending(target);
    if (this.next > this.high) {
      this.catchingUp = false;
      clearTimeout(this.gapTimer);
      this.gapTimer = undefined;
      return;
    }
    if (this.catchingUp) {
      void this.readMissing(target);
      return;
    }
    this.gapTimer ??= setTimeout(() => {
      this.gapTimer = undefined;
      this.catchingUp = true;
      this.pump();
    }, this.gapGraceMs);
  }

  /** Sends the held live events that continue the order without a hole. */
  private deliverPending(target: FeedTarget): void {
    const batch: LiveEvent[] = [];
    for (let live = this.pending.get(this.next); live; live = this.pending.get(this.next)) {
      this.pending.delete(this.next);
      batch.push(live);
      this.next += 1;
    }
    if (batch.length > 0) target.onEvents(batch);
  }

  /** Reads the missing positions from PostgreSQL, a page at a time and only as fast as the socket takes them. */
  private async readMissing(target: FeedTarget): Promise<void> {
    const { tenantId, replay, cursors, logger } = this.options;
    this.reading = true;
    try {
      while (!this.stopped && target.isOpen) {
        this.deliverPending(target);
        if (this.next > this.high) break;
        if (!(await target.room())) return;
        const to = Math.min(this.high, this.lowestPending() - 1);
        const rows = await replay.between(tenantId, this.next, to, this.pageSize);
        if (this.stopped || !target.isOpen) return;
        target.sendCaughtUp(rows.map((row) => cursors.liveEvent(tenantId, row)));
        this.next = rows.length < this.pageSize ? to + 1 : (rows.at(-1)?.position ?? to) + 1;
        this.prune();
      }
      this.catchingUp = false;
    } catch (error) {
      logger.warn({ err: error, tenantId }, 'live tail could not read missed events');
      target.close(CLOSE_CODES.tryAgainLater, 'could not read missed events; reconnect with the last cursor');
      return;
    } finally {
      this.reading = false;
    }
    this.pump();
  }

  /** Whether `events` are exactly the next positions to deliver, with no hole known, nothing held and nothing being read. */
  private continuesOrder(events: readonly LiveEvent[]): boolean {
    if (!this.target || this.reading || this.catchingUp || this.pending.size > 0 || this.high !== this.next - 1) return false;
    return events.every((live, index) => live.position === this.next + index);
  }

  private lowestPending(): number {
    let lowest = Infinity;
    for (const position of this.pending.keys()) lowest = Math.min(lowest, position);
    return lowest;
  }

  private prune(): void {
    for (const position of this.pending.keys()) if (position < this.next) this.pending.delete(position);
  }
}
