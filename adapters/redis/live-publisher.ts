import type { Redis } from 'ioredis';
import type { LogEvent } from '../../domain/log-event';

export interface LivePublisher {
  /** `events` were committed together at consecutive positions from `firstPosition` (migration 095). */
  publish(tenantId: string, firstPosition: number, events: readonly LogEvent[]): Promise<void>;
  /** publish of events already serialised as one JSON array (domain/new-events-json), never empty. */
  publishSerialized(tenantId: string, firstPosition: number, eventsJson: string): Promise<void>;
}

/** One channel per tenant: a subscriber can only ever receive the channel of its own token's tenant. */
export const liveChannel = (tenantId: string) => `audit:logs:${tenantId}`;

export function createRedisLivePublisher(redis: Redis): LivePublisher {
  const publishSerialized = async (tenantId: string, firstPosition: number, eventsJson: string) => {
    await redis.publish(liveChannel(tenantId), `{"first_position":${firstPosition},"events":${eventsJson}}`);
  };
  return {
    async publish(tenantId, firstPosition, events) {
      if (events.length > 0) await publishSerialized(tenantId, firstPosition, JSON.stringify(events));
    },
    publishSerialized,
  };
}
