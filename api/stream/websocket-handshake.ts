import type { IncomingMessage } from 'node:http';
import { ProblemError, problems } from '../problem';

/** The subprotocol a live-tail client speaks; the only one the server ever echoes. */
export const STREAM_PROTOCOL = 'audit-log.v1';
/** Browsers cannot set headers on a WebSocket, so they offer their token as a subprotocol `bearer.<JWT>`. */
export const BEARER_PROTOCOL_PREFIX = 'bearer.';

const KEY = /^[+/0-9A-Za-z]{22}==$/;
/** An HTTP token (RFC 9110): what a subprotocol name may contain; a JWT is one. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * The RFC 6455 opening-handshake checks the ws library would make, made first so that every refusal
 * is problem+json and ws cannot refuse a request after a connection slot was reserved for it.
 */
export function checkWebSocketHandshake(req: IncomingMessage): void {
  if (req.method !== 'GET') throw problems.methodNotAllowed('GET');
  if (req.headers.upgrade?.toLowerCase() !== 'websocket') throw problems.badRequest('The Upgrade header must be "websocket".');
  if (!KEY.test(req.headers['sec-websocket-key'] ?? '')) throw problems.badRequest('The Sec-WebSocket-Key header is missing or invalid.');
  if (req.headers['sec-websocket-version'] !== '13') {
    throw new ProblemError({
      status: 426,
      title: 'Upgrade Required',
      detail: 'Only WebSocket protocol version 13 is supported.',
      headers: { 'Sec-WebSocket-Version': '13' },
    });
  }
}

/**
 * The subprotocols the client offered, parsed strictly. Offering any means offering ours, because a
 * browser fails a connection whose server picks none of its subprotocols.
 */
export function offeredProtocols(req: IncomingMessage): string[] {
  const header = req.headers['sec-websocket-protocol'];
  if (header === undefined) return [];
  const protocols = header.split(',').map((item) => item.trim());
  if (protocols.some((protocol) => !TOKEN.test(protocol)) || new Set(protocols).size !== protocols.length) {
    throw problems.badRequest('The Sec-WebSocket-Protocol header is malformed.');
  }
  if (!protocols.includes(STREAM_PROTOCOL)) {
    throw problems.badRequest(`Offer the subprotocol "${STREAM_PROTOCOL}" (with "${BEARER_PROTOCOL_PREFIX}<token>" to authenticate).`);
  }
  return protocols;
}
