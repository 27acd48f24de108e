import { chaosSeed } from './seeded-random';

export interface SoakOptions {
  events: number;
  clients: number;
  tenants: number;
  /** Share of events (not requests) sent through `POST /logs/bulk`. */
  bulkShare: number;
  bulkSize: { min: number; max: number };
  /** Share of SQS sends (SendMessage, SendMessageBatch) the proxy faults while the load runs. */
  sqsSendFaultRate: number;
  /** SIGKILLs of each of the four processes during the load. */
  killsPerProcess: number;
  /** Share of the service's OpenSearch requests the proxy faults (reset, reset after forwarding, 503, delay) while the load runs. */
  opensearchFaultRate: number;
  /** Windows during the load in which every OpenSearch request fails (503s and stalls alternately), and their length. */
  opensearchOutages: number;
  opensearchOutageMs: number;
  /** Old events seeded for retention, in one wave per cleanup round; 0 turns retention off. */
  retentionEvents: number;
  /** Rounds of `DELETE /logs/cleanup` for every tenant during the load (every second one runs the retention sweep first). */
  retentionRounds: number;
  seed: number;
  drainTimeoutMs: number;
  /**
   * AWS_MAX_ATTEMPTS of the service processes. 1 by default, so an injected fault reaches the
   * service's own code (publisher, outbox relay) instead of being absorbed by the SDK's retries.
   */
  sdkMaxAttempts: number;
  /**
   * OUTBOX_RELAY_MIN_AGE_MS of the relay; undefined keeps the service's own default (ops/stack/test.sh
   * shortens it to 2 s for the other tests, which under a backlog re-publishes every waiting task
   * every 2 s and multiplies the bridge's work).
   */
  relayMinAgeMs: number | undefined;
}

function numberFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, check: (value: number) => boolean): number {
  const given = env[name];
  if (given === undefined || given === '') return fallback;
  const value = Number(given);
  if (!check(value)) throw new Error(`${name}=${given} is not allowed`);
  return value;
}

const positiveInt = (value: number) => Number.isSafeInteger(value) && value > 0;
const count = (value: number) => Number.isSafeInteger(value) && value >= 0;
const share = (value: number) => value >= 0 && value <= 1;

export interface SoakDefaults {
  events: number;
  killsPerProcess: number;
  drainTimeoutMs: number;
  opensearchOutages: number;
  opensearchOutageMs: number;
  retentionEvents: number;
  retentionRounds: number;
}

/** The soak's size and faults: the caller's defaults, overridden by CHAOS_* variables. */
export function soakOptions(defaults: SoakDefaults, env: NodeJS.ProcessEnv = process.env): SoakOptions {
  const events = numberFrom(env, 'CHAOS_EVENTS', defaults.events, positiveInt);
  return {
    events,
    clients: numberFrom(env, 'CHAOS_CLIENTS', 20, positiveInt),
    tenants: numberFrom(env, 'CHAOS_TENANTS', 4, positiveInt),
    bulkShare: numberFrom(env, 'CHAOS_BULK_SHARE', 0.1, share),
    bulkSize: { min: 10, max: 90 },
    sqsSendFaultRate: numberFrom(env, 'CHAOS_SQS_FAULT_RATE', 0.05, share),
    killsPerProcess: numberFrom(env, 'CHAOS_KILLS_PER_PROCESS', defaults.killsPerProcess, count),
    opensearchFaultRate: numberFrom(env, 'CHAOS_OPENSEARCH_FAULT_RATE', 0.05, share),
    opensearchOutages: numberFrom(env, 'CHAOS_OPENSEARCH_OUTAGES', defaults.opensearchOutages, count),
    opensearchOutageMs: numberFrom(env, 'CHAOS_OPENSEARCH_OUTAGE_MS', defaults.opensearchOutageMs, positiveInt),
    retentionEvents: numberFrom(env, 'CHAOS_RETENTION_EVENTS', defaults.retentionEvents, count),
    retentionRounds: numberFrom(env, 'CHAOS_RETENTION_ROUNDS', defaults.retentionRounds, positiveInt),
    seed: chaosSeed(env),
    drainTimeoutMs: numberFrom(env, 'CHAOS_DRAIN_TIMEOUT_MS', defaults.drainTimeoutMs, positiveInt),
    sdkMaxAttempts: numberFrom(env, 'CHAOS_SDK_MAX_ATTEMPTS', 1, positiveInt),
    relayMinAgeMs: env.CHAOS_RELAY_MIN_AGE_MS ? numberFrom(env, 'CHAOS_RELAY_MIN_AGE_MS', 0, positiveInt) : undefined,
  };
}
