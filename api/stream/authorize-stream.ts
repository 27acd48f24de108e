import { domainProblem } from '../domain-problems';
import type { IncomingMessage } from 'node:http';
import { type TokenVerifier } from '../../platform/auth/token-verifier';
import { canonicalOrigin } from '../../platform/config/allowed-origins';
import type { Principal } from '../../domain/auth';
import type { LiveFilter } from '../../features/live-tail/event-filter';
import { admitOrRefuse, type CallerAccess } from '../admit-caller';
import { problems } from '../problem';
import type { ReadAudit } from '../../features/read-audit/read-audit';
import { readScope, type ReadScope } from '../read-scope';
import { tenantOf, type TenantLookup } from '../tenant-scope';
import { parseStreamQuery } from './stream-query';
import { BEARER_PROTOCOL_PREFIX, STREAM_PROTOCOL, checkWebSocketHandshake, offeredProtocols } from './websocket-handshake';

export interface StreamAuthDeps {
  verifier: TokenVerifier;
  access: CallerAccess;
  tenants: TenantLookup;
  allowedOrigins: readonly string[];
  audit: ReadAudit;
}

export interface AuthorizedStream {
  tenantId: string;
  principal: Principal;
  expiresAt: Date;
  /** The request's filters narrowed to the token's fixed ones. */
  filter: LiveFilter;
  /** The `after` cursor to resume from, not yet checked. */
  after: string | undefined;
  scope: ReadScope;
  /** The subprotocol to echo: ours when the client offered subprotocols, never the bearer one. */
  protocol: string | undefined;
}

const BEARER = /^Bearer +([A-Za-z0-9\-_.~+/]+=*) *$/i;

/**
 * A browser page may only open the stream from an allowed origin, or from this service's own pages
 * (the console: an Origin whose host is the Host the request was sent to, which a page of another
 * origin cannot forge). A client that sends no Origin is not a browser.
 */
function checkOrigin(origin: string | undefined, host: string | undefined, allowed: readonly string[]): void {
  if (origin === undefined) return;
  const canonical = canonicalOrigin(origin);
  const sameHost = canonical !== undefined && host !== undefined && new URL(canonical).host === host.toLowerCase();
  if (!canonical || !(sameHost || allowed.includes(canonical))) throw problems.forbidden('This origin may not open the live tail.');
}

/** The token from, in this order, the Authorization header, a `bearer.<JWT>` subprotocol, or `access_token`. */
function readToken(req: IncomingMessage, protocols: readonly string[], search: string): string {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const token = BEARER.exec(header)?.[1];
    if (!token) throw problems.unauthorized('The Authorization header must be "Bearer <JWT>".');
    return token;
  }
  const offered = protocols.find((protocol) => protocol.startsWith(BEARER_PROTOCOL_PREFIX));
  if (offered) return offered.slice(BEARER_PROTOCOL_PREFIX.length);
  const queried = new URLSearchParams(search).get('access_token');
  if (queried) return queried;
  throw problems.unauthorized(`A token is required: Authorization: Bearer <JWT>, the subprotocol ${BEARER_PROTOCOL_PREFIX}<JWT>, or access_token.`);
}

async function verify(verifier: TokenVerifier, token: string) {
  try {
    return await verifier.verify(token);
  } catch (error) {
    throw domainProblem(error) ?? error;
  }
}

/**
 * Decides a live-tail upgrade request before any upgrade: a malformed handshake (400/405/426), a
 * foreign Origin (403), a missing, forged, expired or revoked token or a suspended tenant's (401), an unknown tenant, or a bad filter
 * (400/422, the answers `GET /logs` gives) are refused with a ProblemError.
 */
export async function authorizeStream(req: IncomingMessage, search: string, deps: StreamAuthDeps): Promise<AuthorizedStream> {
  checkWebSocketHandshake(req);
  checkOrigin(req.headers.origin, req.headers.host, deps.allowedOrigins);
  const protocols = offeredProtocols(req);
  const { principal, expiresAt } = await verify(deps.verifier, readToken(req, protocols, search));
  admitOrRefuse(deps.access, principal);
  const query = parseStreamQuery(search);
  const tenantId = await tenantOf(principal, query.tenantId, deps.tenants);
  const scope = readScope(principal, tenantId, deps.audit);
  return { tenantId, principal, expiresAt, filter: scope.narrow(query.filter), scope, after: query.after, protocol: protocols.length > 0 ? STREAM_PROTOCOL : undefined };
}
