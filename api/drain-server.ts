import type { Server } from 'node:http';

/**
 * Graceful stop of an HTTP server: stop accepting connections at once, let requests in flight
 * finish, close keep-alive connections as soon as they are idle, and after `deadlineMs` cut
 * whatever is still open. Resolves when every connection is gone; `forced` says whether any had to be cut.
 */
export function drainServer(server: Server, deadlineMs: number): Promise<{ forced: boolean }> {
  return new Promise((resolve) => {
    let forced = false;
    // A connection that finishes its response becomes idle; sweeping often closes it promptly
    // instead of waiting for its client or the keep-alive timeout.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const cut = setTimeout(() => {
      forced = true;
      server.closeAllConnections();
    }, deadlineMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(cut);
      resolve({ forced });
    });
    server.closeIdleConnections();
  });
}
