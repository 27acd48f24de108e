import type { Duplex } from 'node:stream';

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
