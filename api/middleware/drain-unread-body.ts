import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Middleware } from 'koa';

export interface DrainBounds {
  /** How long after the answer the rest of a request body is read and discarded. */
  maxMs: number;
  /** How many bytes of it are read and discarded. */
  maxBytes: number;
}

/** nginx's lingering close allows 30 s; a body a client may still be sending after a 413 needs far less. */
export const DRAIN_BOUNDS: DrainBounds = { maxMs: 10_000, maxBytes: 32 * 1024 * 1024 };

const draining = new WeakSet<Socket>();

/** True while this connection reads and discards a body it has already answered. */
export function isDrainingAnsweredBody(socket: unknown): boolean {
  return draining.has(socket as Socket);
}

/**
 * Reads and discards the rest of a body already answered (a 413 stops reading at the limit), so the
 * client can finish writing and read the answer: closing with unread bytes would send a TCP reset
 * that can reach the client before the answer does (EPIPE/ECONNRESET while still writing). Past
 * `bounds` the connection is cut once the answer is out, so a client that never finishes cannot hold it.
 */
function drain(req: IncomingMessage, res: ServerResponse, bounds: DrainBounds): void {
  const socket = req.socket;
  draining.add(socket);
  let discarded = 0;
  const stop = () => {
    clearTimeout(timer);
    draining.delete(socket);
  };
  const cut = () => {
    stop();
    if (res.writableFinished || res.destroyed) socket.destroy();
    else res.once('close', () => socket.destroy());
  };
  const timer = setTimeout(cut, bounds.maxMs);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > bounds.maxBytes) cut();
  });
  req.once('end', stop);
  req.once('close', stop);
  req.resume();
}

/**
 * First in the chain: once a request has been answered, whatever part of its body nobody read (a
 * 413, or a 401/415/429 answered before reading) is drained within `bounds`; a body read whole
 * leaves the connection as it was.
 */
export function drainUnreadBody(bounds: DrainBounds = DRAIN_BOUNDS): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } finally {
      if (!ctx.req.complete && !ctx.req.destroyed) drain(ctx.req, ctx.res, bounds);
    }
  };
}
