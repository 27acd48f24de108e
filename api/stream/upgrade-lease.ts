import type { Duplex } from 'node:stream';
import type { LiveEvent } from '../../features/live-tail/live-event';
import type { LiveListener } from '../../features/live-tail/live-hub';
import type { StreamConnection } from '../../features/live-tail/stream-connection';

export interface Lease {
  add(release: () => void): void;
}

/**
 * Runs every added release once the raw socket closes, whether it was refused, upgraded and later
 * closed, or dropped by the client mid-handshake; added after the close, a release runs at once.
 * One place to free what a connection holds, so no path can leak a slot or a subscription.
 */
export function releaseOnClose(socket: Duplex): Lease {
  const releases: (() => void)[] = [];
  let closed = socket.destroyed;
  socket.once('close', () => {
    closed = true;
    releases.splice(0).forEach((release) => release());
  });
  return {
    add(release: () => void): void {
      if (closed) release();
      else releases.push(release);
    },
  };
}

/** Subscribes before the upgrade (so a dead feed is a 503) and hands events to the socket once it exists. */
export class RelayListener implements LiveListener {
  private target: StreamConnection | undefined;
  private interrupted = false;

  connect(connection: StreamConnection): void {
    this.target = connection;
    if (this.interrupted) connection.onInterrupted();
  }

  onEvents(events: readonly LiveEvent[]): void {
    this.target?.onEvents(events);
  }

  onInterrupted(): void {
    this.interrupted = true;
    this.target?.onInterrupted();
  }
}
