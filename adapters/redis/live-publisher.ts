import type { Redis } from 'ioredis';
import type { LogEvent } from '../../domain/log-event';

export interface LivePublisher {
  publish(tenantId: string, events: readonly LogEvent[]): Promise<void>;
}

/** One channel per tenant: a subscriber can only ever receive the channel of its own token's tenant. */
export const liveChannel = (tenantId: string) => `audit:logs:${tenantId}`;

export function createRedisLivePublisher(redis: Redis): LivePublisher {
  return {
    async publish(tenantId, events) {
      if (events.length > 0) await redis.publish(liveChannel(tenantId), JSON.stringify({ events }));
    },
  };
}
