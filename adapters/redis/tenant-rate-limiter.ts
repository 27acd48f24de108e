import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger } from '../../platform/observability/logger';

export interface RateLimitPolicy {
  /** Sustained requests per second. */
  perSecond: number;
  /** Requests allowed at once from an idle start (at least perSecond). */
  burst: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** The sustained quota per one-second window (RateLimit-Limit). */
  limit: number;
  remaining: number;
  /** Seconds until the current window ends (RateLimit-Reset). */
  resetSeconds: number;
  /** Seconds until a denied caller may succeed (Retry-After); 0 when allowed. */
  retryAfterSeconds: number;
  /** Which counter decided: the shared one, or this replica's fallback while Redis is unreachable. */
  store: 'redis' | 'memory';
}

export interface RequestRateLimiter {
  consume(key: string, policy: RateLimitPolicy): Promise<RateLimitDecision>;
}

export interface RateLimiterDeps {
  redis: Redis;
  logger: Logger;
  /** Called on every decision Redis could not make (a metric, typically). */
  onStoreFailure?: () => void;
  /** How long a Redis answer may take before this replica decides alone. */
  storeTimeoutMs?: number;
  /** Fallback warnings are logged at most this often, with the count since the last one. */
  warnEveryMs?: number;
}

/** Burst credit (burst - perSecond requests) refills once per this many seconds. */
export const BURST_WINDOW_SECONDS = 10;

type Store = RateLimitDecision['store'];
type MakeLimiter = (options: { points: number; duration: number; keyPrefix: string }) => RateLimiterAbstract;

interface LimiterPair {
  rate: RateLimiterAbstract;
  burst: RateLimiterAbstract | undefined;
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * The library's fixed-window counter (atomic in Redis, so shared by every replica) for the sustained
 * rate, plus a second counter of burst credit that is spent only when the first is exhausted: the
 * same composition as the library's BurstyRateLimiter, keeping the burst counter's remaining points.
 */
async function decide(pair: LimiterPair, key: string, policy: RateLimitPolicy, store: Store): Promise<RateLimitDecision> {
  const allowed = (remaining: number, msBeforeReset: number): RateLimitDecision => ({
    allowed: true, limit: policy.perSecond, remaining, resetSeconds: seconds(msBeforeReset), retryAfterSeconds: 0, store,
  });
  const denied = (msBeforeNext: number): RateLimitDecision => ({
    allowed: false, limit: policy.perSecond, remaining: 0, resetSeconds: seconds(msBeforeNext), retryAfterSeconds: seconds(msBeforeNext), store,
  });
  let exhausted: RateLimiterRes;
  try {
    const result = await pair.rate.consume(key);
    return allowed(result.remainingPoints, result.msBeforeNext);
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    exhausted = rejection;
  }
  if (!pair.burst) return denied(exhausted.msBeforeNext);
  try {
    const credit = await pair.burst.consume(key);
    return allowed(credit.remainingPoints, exhausted.msBeforeNext);
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    return denied(Math.min(exhausted.msBeforeNext, rejection.msBeforeNext));
  }
}

function pairFactory(make: MakeLimiter) {
  const pairs = new Map<string, LimiterPair>();
  return (policy: RateLimitPolicy): LimiterPair => {
    const name = `rl:${policy.perSecond}-${policy.burst}`;
    let pair = pairs.get(name);
    if (!pair) {
      const extra = policy.burst - policy.perSecond;
      pair = {
        rate: make({ points: policy.perSecond, duration: 1, keyPrefix: `${name}:rate` }),
        burst: extra > 0 ? make({ points: extra, duration: BURST_WINDOW_SECONDS, keyPrefix: `${name}:burst` }) : undefined,
      };
      pairs.set(name, pair);
    }
    return pair;
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`rate limit store gave no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Per-key limits shared by all replicas through Redis. While Redis is unreachable the limiter fails
 * open to a per-replica in-memory counter with the same policy: an audit log must keep accepting
 * events when only its rate-limit store is down, and the fallback still bounds each replica.
 * Every fallback decision is counted (onStoreFailure) and a warning is logged periodically.
 */
export function createTenantRateLimiter(deps: RateLimiterDeps): RequestRateLimiter {
  const { redis, logger, onStoreFailure, storeTimeoutMs = 250, warnEveryMs = 10_000 } = deps;
  const shared = pairFactory((options) => new RateLimiterRedis({ ...options, storeClient: redis, rejectIfRedisNotReady: true }));
  const local = pairFactory((options) => new RateLimiterMemory(options));
  let lastWarnAt = 0;
  let failuresSinceWarn = 0;

  function noteFailure(error: unknown) {
    onStoreFailure?.();
    failuresSinceWarn += 1;
    if (Date.now() - lastWarnAt < warnEveryMs) return;
    logger.warn({ err: error, failures: failuresSinceWarn }, 'rate limit store unavailable; limiting per replica until Redis answers again');
    lastWarnAt = Date.now();
    failuresSinceWarn = 0;
  }

  return {
    async consume(key, policy) {
      try {
        return await withTimeout(decide(shared(policy), key, policy, 'redis'), storeTimeoutMs);
      } catch (error) {
        noteFailure(error);
        return decide(local(policy), key, policy, 'memory');
      }
    },
  };
}
