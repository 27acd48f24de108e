import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import Ajv from 'ajv';
import { parseAllowedOrigins } from './allowed-origins';
import { EnvSchema, type Env } from './env-schema';
import type { TaskQueueName } from '../../domain/task-types';
import { parseIntegrityKeys, type IntegrityKeys } from '../../domain/integrity/key-list';

export interface Config {
  readonly env: Env['NODE_ENV'];
  readonly logLevel: Env['LOG_LEVEL'];
  readonly http: {
    readonly port: number;
    /** Processes serving the port (node:cluster); 1 serves from the entry process itself. */
    readonly processes: number;
    readonly publicUrl: string | undefined;
    readonly shutdownGraceMs: number;
    readonly requestTimeoutMs: number;
    readonly headersTimeoutMs: number;
    /** Longer than the usual proxy idle timeout (60 s), so the client side closes idle connections, not a racing server. */
    readonly keepAliveTimeoutMs: number;
  };
  readonly postgres: { readonly url: string; readonly poolSize: number; readonly idleInTransactionTimeoutMs: number };
  readonly redis: { readonly url: string };
  readonly sqs: {
    readonly endpoint: string | undefined;
    readonly region: string;
    readonly credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
    readonly queueUrls: Readonly<Record<TaskQueueName, string>>;
    /** What provisioning sets on each task queue; visibility timeout × maxReceiveCount is how long a failing message stays before it is dead-lettered. */
    readonly visibilityTimeoutSeconds: number;
    readonly maxReceiveCount: number;
    /** Re-drives of a dead-lettered task message while Temporal answers before its task is failed. */
    readonly maxRedrives: number;
  };
  readonly s3: {
    readonly endpoint: string | undefined;
    readonly region: string;
    readonly credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
    readonly bucket: string;
    readonly forcePathStyle: boolean;
  };
  readonly opensearch: { readonly url: string; readonly index: string };
  readonly temporal: {
    readonly address: string;
    readonly namespace: string;
    readonly taskQueue: string;
    readonly uiUrl: string | undefined;
    /** Path of a prebuilt workflow bundle for the worker; undefined to bundle at start-up. */
    readonly workflowBundlePath: string | undefined;
    /** Longest pause between probes of an unreachable Temporal. */
    readonly probeMaxIntervalMs: number;
  };
  readonly indexing: { readonly outageBudgetSeconds: number };
  readonly jwt: {
    readonly algorithm: 'HS256' | 'RS256';
    /** HS256 secret or RS256 public key: what verifies a token; undefined when RS256 keys come from `jwksUri`. */
    readonly verifyKey: string | undefined;
    /** RS256 only: a JWKS endpoint publishing the verification keys. */
    readonly jwksUri: string | undefined;
    /** `kid` header of tokens this deployment mints. */
    readonly keyId: string | undefined;
    /** Longest lifetime of a token minted through the API. */
    readonly maxTtlSeconds: number;
    /** HS256 secret or RS256 private key, when this deployment mints tokens itself. */
    readonly signKey: string | undefined;
    readonly issuer: string | undefined;
    readonly audience: string | undefined;
  };
  /** Token revocations and tenant suspensions, held in memory by every API process. */
  readonly access: { readonly refreshMs: number; readonly lastUseFlushMs: number };
  readonly outbox: { readonly minAgeMs: number; readonly intervalMs: number; readonly maxBackoffMs: number };
  readonly archive: { readonly partMaxRows: number };
  /** How old an event may be, and how far ahead monthly partitions of `logs` are kept. */
  readonly events: { readonly horizonYears: number; readonly partitionMonthsAhead: number };
  /** Export jobs' objects: how many days they stay downloadable. */
  readonly exports: { readonly retentionDays: number };
  readonly stream: {
    /** Canonical origins (`https://app.example.com`) a browser may open the live tail from. */
    readonly allowedOrigins: readonly string[];
    readonly heartbeatIntervalMs: number;
    readonly sendBufferBytes: number;
    readonly slowConsumerTimeoutMs: number;
    readonly maxConnectionsPerTenant: number;
    readonly maxConnections: number;
    /** How old a resume cursor may be (WS_RESUME_WINDOW_SECONDS). */
    readonly resumeWindowMs: number;
  };
  readonly cursor: { readonly secret: string };
  /** The web console's built files and who may frame it. */
  readonly console: { readonly bundleDir: string; readonly frameAncestors: string };
  readonly integrity: {
    /** The service part of every tenant's checkpoint origin. */
    readonly origin: string;
    readonly keys: IntegrityKeys;
    /** The task bridge requests seals after ingest (INTEGRITY_SEALING). */
    readonly sealing: boolean;
  };
  /** Defaults for tenants without limits of their own. */
  readonly rateLimit: { readonly perSecond: number; readonly burst: number };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const validateEnv = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true, removeAdditional: false }).compile<Env>(EnvSchema);

function pickKnown(source: NodeJS.ProcessEnv): Record<string, string> {
  const known: Record<string, string> = {};
  for (const name of Object.keys(EnvSchema.properties)) {
    const value = source[name];
    if (value !== undefined && value !== '') known[name] = value;
  }
  return known;
}

/** dist/console under the project root, found from this file whether it runs from source or from dist/. */
function defaultConsoleDir(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'dist', 'console');
}

/** A checkpoint origin is a schema-less URL (C2SP tlog-checkpoint): PUBLIC_URL without its scheme, else the service's name. */
function integrityOrigin(env: Env): string {
  if (env.INTEGRITY_ORIGIN) return env.INTEGRITY_ORIGIN;
  return env.PUBLIC_URL ? env.PUBLIC_URL.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/\/+$/, '') : 'audit-log-service';
}

function integrityKeys(text: string): IntegrityKeys {
  try {
    return parseIntegrityKeys(text);
  } catch (error) {
    throw new ConfigError(`invalid configuration: INTEGRITY_SIGNING_KEYS ${(error as Error).message}`);
  }
}

function credentials(accessKeyId: string | undefined, secretAccessKey: string | undefined) {
  return accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined;
}

/** Parses the environment once; throws a ConfigError naming every invalid or missing variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const env = pickKnown(source) as unknown as Env;
  if (!validateEnv(env)) {
    const problems = (validateEnv.errors ?? []).map((e) => {
      const name = e.instancePath.replace(/^\//, '').split('/')[0] || (e.params as { missingProperty?: string }).missingProperty;
      return `${name ?? '(environment)'} ${e.message ?? 'is invalid'}`;
    });
    throw new ConfigError(`invalid configuration: ${[...new Set(problems)].join('; ')}`);
  }
  const verifyKey = env.JWT_ALGORITHM === 'HS256' ? env.JWT_SECRET : env.JWT_PUBLIC_KEY;
  const jwksUri = env.JWT_ALGORITHM === 'RS256' ? env.JWKS_URI : undefined;
  if (!verifyKey && !jwksUri) {
    throw new ConfigError(`invalid configuration: ${env.JWT_ALGORITHM === 'HS256' ? 'JWT_SECRET' : 'JWT_PUBLIC_KEY or JWKS_URI'} is required when JWT_ALGORITHM=${env.JWT_ALGORITHM}`);
  }
  if (env.JWT_ALGORITHM === 'HS256' && env.JWKS_URI) throw new ConfigError('invalid configuration: JWKS_URI needs JWT_ALGORITHM=RS256');
  if (env.JWT_ALGORITHM === 'RS256' && env.JWT_PUBLIC_KEY && env.JWKS_URI) {
    throw new ConfigError('invalid configuration: set either JWT_PUBLIC_KEY or JWKS_URI, not both');
  }
  // Without them a token minted for any other service that shares the key or IdP would be accepted here.
  if (env.NODE_ENV === 'production' && (!env.JWT_ISSUER || !env.JWT_AUDIENCE)) {
    throw new ConfigError('invalid configuration: JWT_ISSUER and JWT_AUDIENCE are required when NODE_ENV=production');
  }
  if (env.HTTP_HEADERS_TIMEOUT_MS > env.HTTP_REQUEST_TIMEOUT_MS) throw new ConfigError('invalid configuration: HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS');
  if (env.RATE_LIMIT_BURST < env.RATE_LIMIT_PER_SECOND) throw new ConfigError('invalid configuration: RATE_LIMIT_BURST must be at least RATE_LIMIT_PER_SECOND');
  const allowedOrigins = parseAllowedOrigins(env.WS_ALLOWED_ORIGINS);
  if (allowedOrigins.invalid.length > 0) {
    throw new ConfigError(`invalid configuration: WS_ALLOWED_ORIGINS entries must be bare http(s) origins: ${allowedOrigins.invalid.join(', ')}`);
  }
  return Object.freeze({
    env: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    http: {
      port: env.PORT,
      processes: env.API_PROCESSES === 'auto' ? availableParallelism() : Number(env.API_PROCESSES),
      publicUrl: env.PUBLIC_URL,
      shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
      headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS,
      keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    },
    postgres: { url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE, idleInTransactionTimeoutMs: env.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS },
    redis: { url: env.REDIS_URL },
    sqs: {
      endpoint: env.SQS_ENDPOINT,
      region: env.SQS_REGION,
      credentials: credentials(env.SQS_ACCESS_KEY_ID, env.SQS_SECRET_ACCESS_KEY),
      queueUrls: { index: env.SQS_INDEX_QUEUE_URL, archive: env.SQS_ARCHIVE_QUEUE_URL, cleanup: env.SQS_CLEANUP_QUEUE_URL },
      visibilityTimeoutSeconds: env.SQS_VISIBILITY_TIMEOUT_SECONDS,
      maxReceiveCount: env.SQS_MAX_RECEIVE_COUNT,
      maxRedrives: env.SQS_MAX_REDRIVES,
    },
    s3: {
      endpoint: env.S3_ENDPOINT,
      region: env.S3_REGION,
      credentials: credentials(env.S3_ACCESS_KEY, env.S3_SECRET_KEY),
      bucket: env.S3_BUCKET,
      forcePathStyle: env.S3_FORCE_PATH_STYLE,
    },
    opensearch: { url: env.OPENSEARCH_URL, index: env.OPENSEARCH_INDEX },
    temporal: {
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      uiUrl: env.TEMPORAL_UI_URL,
      workflowBundlePath: env.TEMPORAL_WORKFLOW_BUNDLE,
      probeMaxIntervalMs: env.TEMPORAL_PROBE_MAX_INTERVAL_MS,
    },
    indexing: { outageBudgetSeconds: env.INDEX_OUTAGE_BUDGET_SECONDS },
    jwt: {
      algorithm: env.JWT_ALGORITHM,
      verifyKey,
      jwksUri,
      keyId: env.JWT_KEY_ID,
      maxTtlSeconds: env.TOKEN_MAX_TTL_SECONDS,
      signKey: env.JWT_ALGORITHM === 'HS256' ? env.JWT_SECRET : env.JWT_PRIVATE_KEY,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
    },
    access: { refreshMs: env.REVOCATION_REFRESH_MS, lastUseFlushMs: env.TOKEN_LAST_USE_FLUSH_MS },
    outbox: { minAgeMs: env.OUTBOX_RELAY_MIN_AGE_MS, intervalMs: env.OUTBOX_RELAY_INTERVAL_MS, maxBackoffMs: env.OUTBOX_RELAY_MAX_BACKOFF_MS },
    archive: { partMaxRows: env.ARCHIVE_PART_MAX_ROWS },
    events: { horizonYears: env.EVENT_TIMESTAMP_HORIZON_YEARS, partitionMonthsAhead: env.LOG_PARTITION_MONTHS_AHEAD },
    exports: { retentionDays: env.EXPORT_RETENTION_DAYS },
    stream: {
      allowedOrigins: Object.freeze(allowedOrigins.origins),
      heartbeatIntervalMs: env.WS_HEARTBEAT_INTERVAL_MS,
      sendBufferBytes: env.WS_SEND_BUFFER_BYTES,
      slowConsumerTimeoutMs: env.WS_SLOW_CONSUMER_TIMEOUT_MS,
      maxConnectionsPerTenant: env.WS_MAX_CONNECTIONS_PER_TENANT,
      maxConnections: env.WS_MAX_CONNECTIONS,
      resumeWindowMs: env.WS_RESUME_WINDOW_SECONDS * 1000,
    },
    rateLimit: { perSecond: env.RATE_LIMIT_PER_SECOND, burst: env.RATE_LIMIT_BURST },
    cursor: { secret: env.CURSOR_SECRET },
    console: { bundleDir: env.CONSOLE_DIR ?? defaultConsoleDir(), frameAncestors: env.CONSOLE_FRAME_ANCESTORS },
    integrity: { origin: integrityOrigin(env), keys: integrityKeys(env.INTEGRITY_SIGNING_KEYS), sealing: env.INTEGRITY_SEALING },
  });
}
