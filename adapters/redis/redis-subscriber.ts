import { Redis } from 'ioredis';

/**
 * A connection of its own for pub/sub subscriber mode (a subscribed connection can run no other
 * command). autoResubscribe is off: after a reconnect nothing is silently resubscribed, because
 * messages published meanwhile are lost and the live-tail hub must say so (see streaming/live-hub).
 */
export function createRedisSubscriber(url: string, connectionName: string): Redis {
  return new Redis(url, {
    connectionName,
    lazyConnect: true,
    enableOfflineQueue: false,
    autoResubscribe: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
}
