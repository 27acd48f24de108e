import type { Redis } from 'ioredis';
import type { AccessChange } from '../../domain/access-change';

/** One channel for every tenant: each API process must hear every revocation and suspension. */
export const ACCESS_CHANGE_CHANNEL = 'audit:access-changes';

export function publishAccessChange(redis: Redis, change: AccessChange): Promise<number> {
  return redis.publish(ACCESS_CHANGE_CHANNEL, JSON.stringify(change));
}
