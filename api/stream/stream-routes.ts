import Router from '@koa/router';
import { LOG_READERS } from '../../domain/auth';
import { allowRoles } from '../middleware/authenticate';
import type { RouteDoc } from '../openapi/route-doc';
import { ProblemError } from '../problem';
import { READ_SCOPE_NOTE } from '../read-scope';
import { CLOSE_CODES } from '../../features/live-tail/stream-connection';
import { RESUME_CLOSE_CODES } from '../../features/live-tail/stream-cursor';
import { MAX_INBOUND_FRAME_BYTES, STREAM_PATH } from './attach-log-stream';
import { StreamQuerySchema } from './stream-query';
import { BEARER_PROTOCOL_PREFIX, STREAM_PROTOCOL } from './websocket-handshake';

/**
 * The live tail is served on the HTTP server's upgrade event (attach-log-stream.ts). This route
 * answers a plain GET of the same path, which would otherwise fall through to `GET /logs/{id}`.
 */
export function streamRoutes(): Router {
  const router = new Router();
  router.get('/logs/stream', allowRoles(...LOG_READERS), () => {
    throw new ProblemError({
      status: 426,
      title: 'Upgrade Required',
      detail: 'The live tail is a WebSocket: send this request with "Upgrade: websocket".',
      headers: { Upgrade: 'websocket' },
    });
  });
  return router;
}

const messages = [
  'Server messages are JSON text frames:',
  '- `{"type":"subscribed","tenant_id","filters","expires_at"}` once the subscription is live: every event committed after it arrives.',
  '- `{"type":"log","cursor":"...","data":{event}}` for each matching event, in the tenant\'s commit order, `data` shaped as `GET /logs/{id}` returns it; `cursor` is opaque and resumes the stream after this event (`after`).',
  '- `{"type":"heartbeat"}` at a fixed interval (WS_HEARTBEAT_INTERVAL_MS); the server also pings, and a peer that misses a pong is disconnected.',
  '- `{"type":"dropped","count":N}`: N matching events were not sent because the client read too slowly (its send buffer was full).',
].join('\n');

const closeCodes = [
  'Close codes:',
  `- ${CLOSE_CODES.goingAway}: the server is shutting down.`,
  `- 1009: the client sent a frame over ${MAX_INBOUND_FRAME_BYTES} bytes (clients need send nothing).`,
  `- ${CLOSE_CODES.tryAgainLater}: the client stayed too slow for too long, or the live feed was interrupted; reconnect with \`after\` set to the last cursor received.`,
  `- ${CLOSE_CODES.tokenExpired}: the token expired; reconnect with a fresh one.`,
  `- ${CLOSE_CODES.accessRevoked}: the token was revoked or its tenant suspended (within a second of the change); the same token is refused from then on.`,
  `- ${RESUME_CLOSE_CODES.invalid}: \`after\` is not a cursor of this tenant's stream (malformed, altered, another tenant's, or ahead of its log); sent before any message.`,
  `- ${RESUME_CLOSE_CODES.tooOld}: \`after\` is older than the resume window (WS_RESUME_WINDOW_SECONDS, default 24 hours, from when its event was received); sent before any message: search for older events.`,
].join('\n');

const resuming = [
  'Resuming: connect with `after` set to the `cursor` of the last `log` message received (and the same filters). The stream first sends, in commit order, every matching event of the tenant committed after that event, read from PostgreSQL,',
  'then continues live with no gap and no duplicate at the switch. A cursor is `base64url(JSON).base64url(HMAC-SHA256)` naming the event\'s position in the tenant\'s commit order; treat it as opaque.',
].join(' ');

const authentication = [
  'Authenticate with `Authorization: Bearer <JWT>`; or, from a browser, offer the subprotocols',
  `\`["${STREAM_PROTOCOL}", "${BEARER_PROTOCOL_PREFIX}<JWT>"]\` (the server echoes only \`${STREAM_PROTOCOL}\`); or pass \`access_token\`.`,
  'A request that sends Origin must come from an allowed origin (WS_ALLOWED_ORIGINS). Every refusal is an HTTP problem response before the upgrade.',
].join(' ');

export const streamRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: STREAM_PATH,
    summary: 'Live tail of log events (WebSocket)',
    description: [
      "A WebSocket (GET with `Upgrade: websocket`) that receives the tenant's new events as they are committed, filtered by the query parameters (the exact filters of `GET /logs`).",
      `${READ_SCOPE_NOTE} The subscription is recorded before the upgrade (result_count null).`,
      authentication,
      messages,
      resuming,
      closeCodes,
    ].join('\n\n'),
    tags: ['logs'],
    roles: [...LOG_READERS],
    query: StreamQuerySchema,
    responses: {
      101: { description: `Switching Protocols: the socket is open; Sec-WebSocket-Protocol is \`${STREAM_PROTOCOL}\` when subprotocols were offered.` },
      400: { description: 'Unknown query parameter, malformed handshake, subprotocols without audit-log.v1, or an admin token without tenant_id.' },
      403: { description: "The Origin is not allowed, or the token's role may not stream." },
      404: { description: "An admin's tenant_id names no tenant." },
      422: { description: 'Invalid filter values, each named by its path.' },
      426: { description: 'A plain GET without a WebSocket upgrade, or an unsupported WebSocket version.', headers: { Upgrade: 'websocket' } },
      429: { description: 'The tenant has the most live-tail connections a server allows; retry after Retry-After seconds.', headers: { 'Retry-After': 'Seconds to wait.' } },
      503: { description: 'The live feed (Redis) is unavailable, this server has no room for another connection, it is shutting down, or the subscription could not be recorded.' },
    },
  },
];
