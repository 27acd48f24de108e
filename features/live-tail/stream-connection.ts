import { WebSocket } from 'ws';
import type { Logger } from '../../platform/observability/logger';
import type { EventPredicate } from './event-filter';
import type { LiveEvent } from './live-event';
import type { LiveListener } from './live-hub';

/** Close codes a live-tail client can act on (1009, message too big, is sent by ws itself). */
export const CLOSE_CODES = {
  goingAway: 1001,
  /** Too slow to keep up, or the live feed was cut: reconnect later (and search for what was missed). */
  tryAgainLater: 1013,
  /** The access token expired: reconnect with a fresh one. */
  tokenExpired: 4001,
  /** The token was revoked or its tenant suspended: reconnecting with it is refused (401). */
  accessRevoked: 4401,
} as const;

export interface StreamConnectionOptions {
  matches: EventPredicate;
  /** Bytes that may wait in the socket's send buffer; events beyond it are dropped and counted. */
  sendBufferBytes: number;
  /** Dropping continuously for this long closes the socket with 1013. */
  slowConsumerTimeoutMs: number;
  expiresAt: Date;
  logger: Logger;
  /** Told of every dropped event, for process-wide counters. */
  onDropped?: (count: number) => void;
  /** Told when the socket is closed for staying too slow. */
  onSlowConsumerClosed?: () => void;
  now?: () => number;
}

/** setTimeout takes at most 2^31-1 ms; a longer delay would fire at once, so it is reached in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Live events are sent as pre-encoded bytes, which ws must still frame as text. */
const TEXT_FRAME = { binary: false } as const;

function runAt(at: number, action: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const delay = at - Date.now();
    if (delay <= 0) action();
    else timer = setTimeout(arm, Math.min(delay, MAX_TIMER_MS));
  };
  arm();
  return () => clearTimeout(timer);
}

/**
 * One subscriber socket. Memory per socket is bounded: an event is only queued while the socket's
 * buffered bytes are under `sendBufferBytes`; otherwise it is dropped and counted, and the count is
 * reported as `{"type":"dropped"}` once the buffer has drained. A socket that stays full longer
 * than `slowConsumerTimeoutMs` is closed with 1013. Dead peers are found by ping/pong.
 */
export class StreamConnection implements LiveListener {
  private unreported = 0;
  private readonly roomWaiters = new Set<() => void>();
  private fullSince: number | undefined;
  private answeredPing = true;
  private readonly cancelExpiry: () => void;
  private readonly afterWrite = (error?: Error | null) => {
    if (!error) this.drained();
  };

  constructor(
    private readonly socket: WebSocket,
    private readonly options: StreamConnectionOptions,
  ) {
    socket.on('pong', () => (this.answeredPing = true));
    socket.on('error', (error) => options.logger.debug({ err: error }, 'live-tail socket error'));
    this.cancelExpiry = runAt(options.expiresAt.getTime(), () => this.close(CLOSE_CODES.tokenExpired, 'token expired'));
    socket.once('close', () => {
      this.cancelExpiry();
      this.wakeRoomWaiters();
    });
  }

  start(subscribed: Record<string, unknown>): void {
    this.sendControl({ type: 'subscribed', ...subscribed });
  }

  onEvents(events: readonly LiveEvent[]): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    for (const live of events) {
      if (!this.options.matches(live.event)) continue;
      if (this.hasRoom()) {
        this.reportDrops();
        this.socket.send(live.frame, TEXT_FRAME, this.writeCallback(live.frame.length));
      } else {
        this.unreported += 1;
        this.options.onDropped?.(1);
        this.checkSlow();
      }
    }
  }

  /** Events read back from PostgreSQL: never dropped, because the feed waits for `room()` before each page. */
  sendCaughtUp(events: readonly LiveEvent[]): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    for (const live of events) if (this.options.matches(live.event)) this.socket.send(live.frame, TEXT_FRAME, this.afterWrite);
  }

  /**
   * Resolves true once the send buffer has room, false once the socket is closed. A socket that
   * stays full for the slow-consumer timeout is closed with 1013, as in live delivery.
   */
  room(): Promise<boolean> {
    if (!this.isOpen) return Promise.resolve(false);
    if (this.hasRoom()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const settle = (answer: boolean) => {
        clearTimeout(timer);
        this.roomWaiters.delete(check);
        resolve(answer);
      };
      const check = () => {
        if (!this.isOpen) settle(false);
        else if (this.hasRoom()) settle(true);
      };
      const timer = setTimeout(() => {
        check();
        if (!this.roomWaiters.has(check)) return;
        this.closeTooSlow('too slow to take the missed events');
        settle(false);
      }, this.options.slowConsumerTimeoutMs);
      this.roomWaiters.add(check);
    });
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  onInterrupted(): void {
    this.close(CLOSE_CODES.tryAgainLater, 'live feed interrupted; reconnect');
  }

  /** Called on every heartbeat tick: a peer that did not answer the previous ping is gone. */
  heartbeat(): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    if (!this.answeredPing) {
      this.socket.terminate();
      return;
    }
    this.answeredPing = false;
    this.socket.ping();
    if (this.hasRoom()) this.sendControl({ type: 'heartbeat' });
    else this.checkSlow();
  }

  close(code: number, reason: string): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.close(code, reason);
  }

  /** Runs `listener` once the socket is fully closed (at once if it already is). */
  onClosed(listener: () => void): void {
    if (this.socket.readyState === WebSocket.CLOSED) listener();
    else this.socket.once('close', () => listener());
  }

  get bufferedBytes(): number {
    return this.socket.bufferedAmount;
  }

  /**
   * The write callback a live frame needs: only one that fills the send buffer past half its limit
   * has to tell when it reached the kernel (the buffer can then be full, with drops to report or a
   * catch-up waiting for room). Below that none is asked for, sparing a callback per socket for
   * every live event.
   */
  private writeCallback(frameBytes: number): ((error?: Error | null) => void) | undefined {
    return this.socket.bufferedAmount + frameBytes >= this.options.sendBufferBytes / 2 || this.roomWaiters.size > 0 ? this.afterWrite : undefined;
  }

  private hasRoom(): boolean {
    const room = this.socket.bufferedAmount < this.options.sendBufferBytes;
    if (room) this.fullSince = undefined;
    return room;
  }

  private checkSlow(): void {
    const now = this.options.now?.() ?? Date.now();
    this.fullSince ??= now;
    if (now - this.fullSince >= this.options.slowConsumerTimeoutMs && this.socket.readyState === WebSocket.OPEN) {
      this.closeTooSlow(`too slow: ${this.unreported} events dropped`);
    }
  }

  private closeTooSlow(reason: string): void {
    this.close(CLOSE_CODES.tryAgainLater, reason);
    this.options.onSlowConsumerClosed?.();
  }

  private wakeRoomWaiters(): void {
    for (const check of [...this.roomWaiters]) check();
  }

  /** A queued frame reached the kernel: if the buffer has room again, tell the client what it missed. */
  private drained(): void {
    this.wakeRoomWaiters();
    if (this.unreported > 0 && this.socket.readyState === WebSocket.OPEN && this.hasRoom()) this.reportDrops();
  }

  private reportDrops(): void {
    if (this.unreported === 0) return;
    const count = this.unreported;
    this.unreported = 0;
    this.sendControl({ type: 'dropped', count });
  }

  private sendControl(message: Record<string, unknown>): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message), this.afterWrite);
  }
}
