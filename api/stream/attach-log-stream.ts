import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type ServerOptions } from 'ws';
import type { TokenVerifier } from '../../platform/auth/token-verifier';
import type { Config } from '../../platform/config/config';
import type { Logger } from '../../platform/observability/logger';
import { createConnectionRegistry, type ConnectionSlot, type StreamStats } from '../../features/live-tail/connection-registry';
import { compileLiveFilter } from '../../features/live-tail/event-filter';
import type { LiveHub } from '../../features/live-tail/live-hub';
import type { LogReplay } from '../../features/live-tail/log-replay';
import { OrderedFeed } from '../../features/live-tail/ordered-feed';
import { CLOSE_CODES, StreamConnection } from '../../features/live-tail/stream-connection';
import { RESUME_CLOSE_CODES, isResumeRefusal, type ResumeRefusal, type StreamCursors } from '../../features/live-tail/stream-cursor';
import type { Principal } from '../../domain/auth';
import { stillAdmitted, type CallerAccess } from '../admit-caller';
import { isDependencyUnavailable } from '../dependency-errors';
import { domainProblem } from '../domain-problems';
import type { ReadAudit } from '../../features/read-audit/read-audit';
import { ProblemError, problems } from '../problem';
import type { TenantLookup } from '../tenant-scope';
import { authorizeStream, type AuthorizedStream } from './authorize-stream';
import { refuseUpgrade } from './refuse-upgrade';
import { releaseOnClose, type Lease } from './upgrade-lease';
import { STREAM_PROTOCOL } from './websocket-handshake';

/** API_PREFIX + the route; spelled out because app.ts imports this area's router. */
export const STREAM_PATH = '/api/v1/logs/stream';
/** Clients send nothing but control frames; anything bigger than this closes the socket with 1009. */
export const MAX_INBOUND_FRAME_BYTES = 1024;
/** A peer that does not answer our close frame (e.g. it stopped reading) is cut off after this. */
const CLOSE_HANDSHAKE_TIMEOUT_MS = 5_000;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface LogStreamDeps {
  verifier: TokenVerifier;
  access: CallerAccess;
  tenants: TenantLookup;
  hub: LiveHub;
  /** Reads missed events back from PostgreSQL by position. */
  replay: LogReplay;
  cursors: StreamCursors;
  /** Records the subscriptions of audited readers in the tenant's log. */
  audit: ReadAudit;
  config: Config['stream'];
  logger: Logger;
}

export interface LogStream {
  stats(): StreamStats & { channels: number };
  /** Refuses new upgrades, closes every socket with 1001 and resolves once they are gone. */
  close(): Promise<void>;
}

function slotRefusal(refusal: 'tenant-full' | 'process-full', config: Config['stream']): ProblemError {
  if (refusal === 'process-full') return problems.serviceUnavailable('This server has no room for another live-tail connection; retry shortly.');
  return new ProblemError({
    status: 429,
    title: 'Too Many Requests',
    detail: `This tenant already has ${config.maxConnectionsPerTenant} live-tail connections on this server.`,
    headers: { 'Retry-After': '30' },
  });
}

/** Serves `WS /api/v1/logs/stream` on `server`: every refusal is an HTTP problem response sent before any upgrade. */
export function attachLogStream(server: Server, deps: LogStreamDeps): LogStream {
  const { config, logger, hub } = deps;
  // ws 8.23 takes closeTimeout; @types/ws does not list it yet.
  const options: ServerOptions & { closeTimeout: number } = {
    noServer: true,
    clientTracking: false,
    // Compression would hold a zlib context per socket: memory we promise to bound.
    perMessageDeflate: false,
    maxPayload: MAX_INBOUND_FRAME_BYTES,
    closeTimeout: CLOSE_HANDSHAKE_TIMEOUT_MS,
    handleProtocols: (offered) => (offered.has(STREAM_PROTOCOL) ? STREAM_PROTOCOL : false),
  };
  const wss = new WebSocketServer(options);
  const registry = createConnectionRegistry(config);
  const auth = { verifier: deps.verifier, access: deps.access, tenants: deps.tenants, allowedOrigins: config.allowedOrigins, audit: deps.audit };
  /** Who opened each socket, so a revocation or suspension can close exactly the sockets it concerns. */
  const openedBy = new Map<StreamConnection, Principal>();
  let closing = false;

  function closeRevoked(): void {
    for (const [connection, principal] of openedBy) {
      if (!stillAdmitted(deps.access, principal)) connection.close(CLOSE_CODES.accessRevoked, 'token revoked or tenant suspended');
    }
  }

  /** Where the socket's events start: after its cursor, else after everything committed before it subscribed. */
  interface Start {
    next: number;
    highWater: number;
  }

  function open(req: IncomingMessage, socket: Duplex, head: Buffer, authorized: AuthorizedStream, lease: Lease, slot: ConnectionSlot, feed: OrderedFeed, start: Start): void {
    wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new StreamConnection(ws, {
        matches: compileLiveFilter(authorized.filter),
        sendBufferBytes: config.sendBufferBytes,
        slowConsumerTimeoutMs: config.slowConsumerTimeoutMs,
        expiresAt: authorized.expiresAt,
        logger,
        onDropped: (count) => registry.countDropped(count),
        onSlowConsumerClosed: () => registry.countSlowConsumerClose(),
      });
      slot.attach(connection);
      openedBy.set(connection, authorized.principal);
      lease.add(() => openedBy.delete(connection));
      connection.start({ tenant_id: authorized.tenantId, filters: authorized.filter, expires_at: authorized.expiresAt.toISOString() });
      // A revocation announced between the authorisation and now found no socket to close.
      if (!stillAdmitted(deps.access, authorized.principal)) connection.close(CLOSE_CODES.accessRevoked, 'token revoked or tenant suspended');
      feed.start(connection, start.next, start.highWater);
    });
  }

  /** A resume the contract answers with a close code rather than an HTTP status: upgraded, then closed before any message. */
  function refuseResume(req: IncomingMessage, socket: Duplex, head: Buffer, refusal: ResumeRefusal): void {
    wss.handleUpgrade(req, socket, head, (ws) => ws.close(refusal.code, refusal.reason));
  }

  async function accept(req: IncomingMessage, socket: Duplex, head: Buffer, search: string): Promise<void> {
    const authorized = await authorizeStream(req, search, auth);
    if (closing) throw problems.serviceUnavailable('The server is shutting down.');
    const { tenantId } = authorized;
    const resumeAt = authorized.after === undefined ? undefined : deps.cursors.resumePoint(authorized.after, tenantId, config.resumeWindowMs, Date.now());
    if (resumeAt && isResumeRefusal(resumeAt)) return refuseResume(req, socket, head, resumeAt);
    const slot = registry.reserve(tenantId);
    if (typeof slot === 'string') throw slotRefusal(slot, config);
    const lease = releaseOnClose(socket);
    lease.add(() => slot.release());
    const feed = new OrderedFeed({ tenantId, replay: deps.replay, cursors: deps.cursors, logger });
    lease.add(() => feed.stop());
    const subscription = await hub.subscribe(tenantId, feed).catch((error: unknown) => {
      logger.warn({ err: error, tenantId }, 'live feed subscription failed');
      throw problems.serviceUnavailable('The live feed is unavailable; retry shortly.');
    });
    lease.add(() => subscription.release());
    // Read after subscribing: every later position is published after this read, so it reaches the feed.
    const highWater = await deps.replay.highWater(tenantId);
    // Recorded before the upgrade: a subscription that cannot be recorded is refused (503), not opened.
    const { filter } = authorized;
    await authorized.scope.record({ endpoint: 'WS /logs/stream', filters: filter, resultCount: null, effective: filter }).catch((error: unknown) => {
      throw domainProblem(error) ?? error;
    });
    if (closing) throw problems.serviceUnavailable('The server is shutting down.');
    if (socket.destroyed) return;
    if (resumeAt && resumeAt.position > highWater) {
      return refuseResume(req, socket, head, { code: RESUME_CLOSE_CODES.invalid, reason: "after names a position this tenant's log does not have" });
    }
    open(req, socket, head, authorized, lease, slot, feed, { next: (resumeAt?.position ?? highWater) + 1, highWater });
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', (error) => logger.debug({ err: error }, 'upgrade socket error'));
    const supplied = req.headers['x-request-id'];
    const requestId = typeof supplied === 'string' && REQUEST_ID.test(supplied) ? supplied : randomUUID();
    if (closing) {
      refuseUpgrade(socket, problems.serviceUnavailable('The server is shutting down.'), requestId);
      return;
    }
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    if (path !== STREAM_PATH) {
      refuseUpgrade(socket, problems.notFound(`No WebSocket endpoint at ${path.slice(0, 200)}.`), requestId);
      return;
    }
    accept(req, socket, head, queryAt === -1 ? '' : url.slice(queryAt + 1)).catch((error: unknown) => {
      if (error instanceof ProblemError) return refuseUpgrade(socket, error, requestId);
      if (isDependencyUnavailable(error)) return refuseUpgrade(socket, problems.serviceUnavailable('A required dependency is unavailable; retry shortly.'), requestId);
      logger.error({ err: error, requestId }, 'live-tail upgrade failed');
      refuseUpgrade(socket, new ProblemError({ status: 500, title: 'Internal Server Error', detail: 'An unexpected error occurred; it has been logged with this request id.' }), requestId);
    });
  }

  server.on('upgrade', onUpgrade);
  deps.access.onRevoked(closeRevoked);
  const heartbeats = setInterval(() => registry.connections().forEach((connection) => connection.heartbeat()), config.heartbeatIntervalMs);
  heartbeats.unref();

  return {
    stats: () => ({ ...registry.stats(), channels: hub.stats().channels }),

    async close() {
      closing = true;
      clearInterval(heartbeats);
      await Promise.all(
        registry.connections().map(
          (connection) =>
            new Promise<void>((resolve) => {
              connection.onClosed(resolve);
              connection.close(CLOSE_CODES.goingAway, 'server shutting down');
            }),
        ),
      );
    },
  };
}
