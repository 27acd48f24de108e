import type { Redis } from 'ioredis';
import { ACCESS_CHANGE_CHANNEL } from '../../adapters/redis/access-change-channel';
import type { RevocationSnapshot } from '../../adapters/postgres/issued-tokens-repository';
import { parseAccessChange, type AccessChange } from '../../domain/access-change';
import type { Principal } from '../../domain/auth';
import type { Logger } from '../../platform/observability/logger';

/** The token was revoked, or its tenant is suspended: the caller is unauthenticated. */
export class AccessRevokedError extends Error {
  override readonly name = 'AccessRevokedError';
}

/** This process has not read the revocations yet (PostgreSQL was unreachable since it started). */
export class RevocationsUnknownError extends Error {
  override readonly name = 'RevocationsUnknownError';
}

export interface AccessRevocations {
  /** Throws unless the token may be used: from memory only, no I/O on the request path. */
  admit(principal: Principal): void;
  /** Applies a committed change here at once and tells every other process through Redis. */
  announce(change: AccessChange): Promise<void>;
  /** Called after every change that may take access away, e.g. to close live-tail sockets. */
  onRevoked(listener: () => void): void;
  start(): Promise<void>;
  stop(): void;
}

export interface AccessRevocationsDeps {
  load: () => Promise<RevocationSnapshot>;
  publish: (change: AccessChange) => Promise<unknown>;
  /** A connection of its own, in subscriber mode (redis-subscriber.ts). */
  subscriber: Redis;
  /** The safety net: how often the whole set is read again, so a lost message or a Redis outage heals. */
  refreshMs: number;
  logger: Logger;
}

/**
 * The revoked tokens and suspended tenants, held by every API process. Loaded at start, kept current
 * by the changes announced on Redis (within milliseconds), and read again from PostgreSQL every
 * `refreshMs` and after every reconnection to Redis (messages published meanwhile are lost).
 */
export function createAccessRevocations(deps: AccessRevocationsDeps): AccessRevocations {
  const { subscriber, logger } = deps;
  let revoked = new Map<string, number>();
  let suspended = new Set<string>();
  let loaded = false;
  // A re-read that started before a suspension message arrived must not undo it: each message
  // stamps its tenant with a sequence number, and a re-read leaves tenants stamped after it began.
  let sequence = 0;
  const stamped = new Map<string, number>();
  const listeners: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  let reloading: Promise<void> | undefined;

  function notify(): void {
    for (const listener of listeners) {
      try {
        listener();
      } catch (error) {
        logger.error({ err: error }, 'a revocation listener failed');
      }
    }
  }

  function apply(change: AccessChange): void {
    if (change.kind === 'token-revoked') {
      revoked.set(change.token_id, Date.parse(change.expires_at));
    } else {
      stamped.set(change.tenant_id, ++sequence);
      if (change.kind === 'tenant-suspended') suspended.add(change.tenant_id);
      else suspended.delete(change.tenant_id);
    }
    if (change.kind !== 'tenant-resumed') notify();
  }

  async function reload(): Promise<void> {
    const began = sequence;
    const snapshot = await deps.load();
    const now = Date.now();
    // Revocations are final, so what this process already knows is kept until the token expires.
    const nextRevoked = snapshot.revokedTokens;
    for (const [tokenId, expiresAt] of revoked) if (expiresAt > now) nextRevoked.set(tokenId, expiresAt);
    const nextSuspended = snapshot.suspendedTenants;
    for (const [tenantId, stamp] of stamped) {
      if (stamp <= began) stamped.delete(tenantId);
      else if (suspended.has(tenantId)) nextSuspended.add(tenantId);
      else nextSuspended.delete(tenantId);
    }
    const grew = [...nextRevoked.keys()].some((id) => !revoked.has(id)) || [...nextSuspended].some((id) => !suspended.has(id));
    revoked = nextRevoked;
    suspended = nextSuspended;
    loaded = true;
    if (grew) notify();
  }

  /** One re-read at a time; a failure leaves the last known set in force. */
  function refresh(): Promise<void> {
    reloading ??= reload()
      .catch((error: unknown) => logger.warn({ err: error }, 'revoked tokens could not be read again; the last known set stays in force'))
      .finally(() => (reloading = undefined));
    return reloading;
  }

  subscriber.on('message', (channel: string, raw: string) => {
    if (channel !== ACCESS_CHANGE_CHANNEL) return;
    const change = parseAccessChange(raw);
    if (change) apply(change);
    else logger.warn({ channel }, 'unreadable access change ignored');
  });
  // Not resubscribed by the client itself (autoResubscribe is off): subscribe on every connection,
  // then read again what may have been announced while no connection was up.
  subscriber.on('ready', () => {
    subscriber
      .subscribe(ACCESS_CHANGE_CHANNEL)
      .then(refresh)
      .catch((error: unknown) => logger.warn({ err: error }, 'access change channel subscription failed; re-reads cover it'));
  });

  return {
    admit(principal) {
      // Platform admin tokens are bound to no tenant and never recorded: nothing here can refuse them.
      if (!principal.tokenTenantId) return;
      if (!loaded) throw new RevocationsUnknownError('The list of revoked tokens is not loaded yet; retry shortly.');
      if (suspended.has(principal.tokenTenantId)) throw new AccessRevokedError("The token's tenant is suspended.");
      if (principal.tokenId && revoked.has(principal.tokenId)) throw new AccessRevokedError('The token has been revoked.');
    },

    async announce(change) {
      apply(change);
      await deps.publish(change).catch((error: unknown) => {
        logger.warn({ err: error, change }, 'access change not announced; other processes apply it at their next re-read');
      });
    },

    onRevoked(listener) {
      listeners.push(listener);
    },

    async start() {
      await subscriber.connect().catch((error: unknown) => logger.warn({ err: error }, 'Redis is not reachable yet; revocations reach this process by re-reads'));
      await refresh();
      timer = setInterval(() => void refresh(), deps.refreshMs);
      timer.unref();
    },

    stop() {
      clearInterval(timer);
    },
  };
}
