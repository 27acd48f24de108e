import type { Redis } from 'ioredis';
import type { LogEvent } from '../../domain/log-event';

export interface LivePublisher {
  /** `events` were committed together at consecutive positions from `firstPosition` (migration 095). */
  publish(tenantId: string, firstPosition: number, events: readonly LogEvent[]): Promise<void>;
  /** publish of events already serialised as one JSON array (domain/new-events-json), never empty. */
  publishSerialized(tenantId: string, firstPosition: number, eventsJson: Buffer): Promise<void>;
}

/** One channel per tenant: a subscriber can only ever receive the channel of its own token's tenant. */
export const liveChannel = (tenantId: string) => `audit:logs:${tenantId}`;

export function createRedisLivePublisher(redis: Redis): LivePublisher {
  // Bytes, not a string: the events were encoded to UTF-8 once, for the insert too; copying them is cheaper than encoding again.
  const publishSerialized = async (tenantId: string, firstPosition: number, eventsJson: Buffer) => {
    const message = Buffer.concat([Buffer.from(`{"first_position":${firstPosition},"events":`), eventsJson, Buffer.from('}')]);
    await redis.publish(liveChannel(tenantId), message);
  };
  return {
    async publish(tenantId, firstPosition, events) {
      if (events.length > 0) await publishSerialized(tenantId, firstPosition, Buffer.from(JSON.stringify(events)));
    },
    publishSerialized,
  };
}
