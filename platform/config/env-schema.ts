import { Type, type Static } from '@sinclair/typebox';

const Url = Type.String({ minLength: 1, pattern: '^[a-z][a-z0-9+.-]*://' });
const Port = (fallback: number) => Type.Integer({ minimum: 1, maximum: 65535, default: fallback });
const PositiveInt = (fallback: number) => Type.Integer({ minimum: 1, default: fallback });

/** Longer than any wait the service makes inside a transaction (a part's upload, a checkpoint's note written to the bucket). */
export const IDLE_IN_TRANSACTION_TIMEOUT_MS = 300_000;

/** Every environment variable the service reads, with its default. Names are the variable names. */
export const EnvSchema = Type.Object({
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('test'), Type.Literal('production')], { default: 'development' }),
  LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)), { default: 'info' }),
  PORT: Port(3000),
  /** API processes sharing PORT: a number, or `auto` for one per available core. */
  API_PROCESSES: Type.String({ pattern: '^(auto|[1-9][0-9]?)$', default: '1' }),
  PUBLIC_URL: Type.Optional(Url),

  DATABASE_URL: Url,
  DATABASE_POOL_SIZE: PositiveInt(20),
  /**
   * PostgreSQL ends a session of the service left idle inside a transaction this long (a process
   * frozen or cut off mid-transaction), releasing its locks: the tenant's seal lock among them.
   */
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: IDLE_IN_TRANSACTION_TIMEOUT_MS }),

  REDIS_URL: Url,

  SQS_ENDPOINT: Type.Optional(Url),
  SQS_REGION: Type.String({ default: 'us-east-1' }),
  SQS_ACCESS_KEY_ID: Type.Optional(Type.String()),
  SQS_SECRET_ACCESS_KEY: Type.Optional(Type.String()),
  SQS_INDEX_QUEUE_URL: Url,
  SQS_ARCHIVE_QUEUE_URL: Url,
  SQS_CLEANUP_QUEUE_URL: Url,
  /** Applied by provisioning to every task queue: a received message is hidden this long before it is delivered again. */
  SQS_VISIBILITY_TIMEOUT_SECONDS: Type.Integer({ minimum: 1, maximum: 43_200, default: 30 }),
  /** Applied by provisioning: deliveries that did not start a workflow before SQS moves a message to its dead-letter queue. */
  SQS_MAX_RECEIVE_COUNT: Type.Integer({ minimum: 1, maximum: 1000, default: 5 }),
  /** Times the dead-letter watcher sends a dead-lettered task message back to its queue, while Temporal answers, before it fails the task. */
  SQS_MAX_REDRIVES: Type.Integer({ minimum: 0, default: 3 }),
  /** Longest pause between two probes of an unreachable Temporal by the task bridge and the dead-letter watcher. */
  TEMPORAL_PROBE_MAX_INTERVAL_MS: PositiveInt(30_000),

  S3_ENDPOINT: Type.Optional(Url),
  S3_REGION: Type.String({ default: 'us-east-1' }),
  S3_ACCESS_KEY: Type.Optional(Type.String()),
  S3_SECRET_KEY: Type.Optional(Type.String()),
  S3_BUCKET: Type.String({ minLength: 3 }),
  S3_FORCE_PATH_STYLE: Type.Boolean({ default: true }),

  OPENSEARCH_URL: Url,
  /** How long index runs keep retrying while OpenSearch (or PostgreSQL) is unreachable, overloaded or failing (default 3 days). */
  INDEX_OUTAGE_BUDGET_SECONDS: Type.Integer({ minimum: 60, default: 3 * 24 * 3600 }),
  OPENSEARCH_INDEX: Type.String({ minLength: 1, pattern: '^[a-z0-9][a-z0-9_-]*$', default: 'audit-logs' }),

  TEMPORAL_ADDRESS: Type.String({ minLength: 1 }),
  TEMPORAL_NAMESPACE: Type.String({ default: 'default' }),
  TEMPORAL_TASK_QUEUE: Type.String({ default: 'audit-log' }),
  TEMPORAL_UI_URL: Type.Optional(Url),
  /** A workflow bundle built ahead of time (ops/scripts/bundle-workflows.ts); without it the worker bundles at start-up, which costs ~50 MB of peak memory. */
  TEMPORAL_WORKFLOW_BUNDLE: Type.Optional(Type.String({ minLength: 1 })),

  JWT_ALGORITHM: Type.Union([Type.Literal('HS256'), Type.Literal('RS256')], { default: 'HS256' }),
  JWT_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  JWT_PUBLIC_KEY: Type.Optional(Type.String({ minLength: 1 })),
  JWT_PRIVATE_KEY: Type.Optional(Type.String({ minLength: 1 })),
  JWT_ISSUER: Type.Optional(Type.String({ minLength: 1 })),
  JWT_AUDIENCE: Type.Optional(Type.String({ minLength: 1 })),
  /** RS256 only: verify with the keys this JWKS endpoint publishes instead of JWT_PUBLIC_KEY. */
  JWKS_URI: Type.Optional(Url),
  /** `kid` header of minted tokens, so a JWKS with several keys can find the right one. */
  JWT_KEY_ID: Type.Optional(Type.String({ minLength: 1 })),
  /** Upper bound of `ttl_seconds` when an admin mints a token (default 30 days). */
  TOKEN_MAX_TTL_SECONDS: Type.Integer({ minimum: 60, default: 30 * 24 * 3600 }),

  /**
   * Every API process re-reads revoked tokens and suspended tenants from PostgreSQL this often, in
   * case an announcement on Redis was lost (announcements themselves arrive within milliseconds).
   */
  REVOCATION_REFRESH_MS: Type.Integer({ minimum: 100, default: 5000 }),
  /** A token's last_used_at is written at most once per this interval (uses are batched in memory). */
  TOKEN_LAST_USE_FLUSH_MS: Type.Integer({ minimum: 100, default: 60_000 }),

  /** Per-tenant request rate and burst when the tenant has no limits of its own. */
  RATE_LIMIT_PER_SECOND: PositiveInt(100),
  RATE_LIMIT_BURST: PositiveInt(200),

  HTTP_REQUEST_TIMEOUT_MS: PositiveInt(60_000),
  HTTP_HEADERS_TIMEOUT_MS: PositiveInt(20_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: PositiveInt(65_000),

  /** Signs search cursors so a client cannot forge or alter one; no default, like every secret. */
  CURSOR_SECRET: Type.String({ minLength: 32 }),

  /** Browser origins allowed to open the live tail, comma separated; a request without Origin (a server) is always allowed. */
  WS_ALLOWED_ORIGINS: Type.String({ default: '' }),
  /** Where the built web console is served from (`npm run console:build` writes it); defaults to dist/console in the project. */
  CONSOLE_DIR: Type.Optional(Type.String({ minLength: 1 })),
  /** The CSP frame-ancestors sources of the console, e.g. `https://app.example.com` to embed it; by default it cannot be framed. */
  CONSOLE_FRAME_ANCESTORS: Type.String({ default: "'none'", pattern: "^[^;,\\r\\n]+$" }),
  /** How often each live-tail socket gets a heartbeat message and a ping; a peer that missed the last pong is dropped. */
  WS_HEARTBEAT_INTERVAL_MS: PositiveInt(30_000),
  /** Bytes a live-tail socket may have waiting to be sent; beyond it events are dropped and counted. */
  WS_SEND_BUFFER_BYTES: Type.Integer({ minimum: 1024, default: 256 * 1024 }),
  /** A socket that stays over its send buffer this long is closed with 1013 (try again later). */
  WS_SLOW_CONSUMER_TIMEOUT_MS: PositiveInt(10_000),
  WS_MAX_CONNECTIONS_PER_TENANT: PositiveInt(100),
  WS_MAX_CONNECTIONS: PositiveInt(2000),
  /**
   * How far back a live tail may resume (`after=CURSOR`), in seconds since the cursor's event was
   * received; an older cursor is closed with 4410 rather than replayed in bulk (search covers it).
   */
  WS_RESUME_WINDOW_SECONDS: PositiveInt(24 * 3600),

  /**
   * How old an event's `event_timestamp` may be, in years (422 beyond). Partitions of `logs` cover
   * the whole horizon ahead of time, one per year before the monthly window (docs/operations.md).
   */
  EVENT_TIMESTAMP_HORIZON_YEARS: Type.Integer({ minimum: 1, maximum: 200, default: 5 }),
  /** Months past the current one that the daily partition maintenance keeps a monthly partition for. */
  LOG_PARTITION_MONTHS_AHEAD: Type.Integer({ minimum: 1, maximum: 24, default: 3 }),

  /** Rows per archive part (gzip NDJSON object); recorded on each archive task when it is requested. */
  ARCHIVE_PART_MAX_ROWS: Type.Integer({ minimum: 100, maximum: 10_000_000, default: 100_000 }),
  /** Days an export job's object can be downloaded; afterwards downloads are refused and a daily sweep deletes it. */
  EXPORT_RETENTION_DAYS: Type.Integer({ minimum: 1, maximum: 3650, default: 7 }),

  /**
   * Ed25519 keys of the tamper-evident log: PEM blocks one after another, or JWKs (one, an array or
   * a JWKS). The first (private) signs checkpoints; the rest only verify, so keys rotate without
   * breaking old checkpoints. Read from configuration only, never from the database.
   */
  INTEGRITY_SIGNING_KEYS: Type.String({ minLength: 1 }),
  /** The service part of checkpoint origins (`<origin>/tenants/<id>`), a schema-less URL; defaults to PUBLIC_URL's host and path. */
  INTEGRITY_ORIGIN: Type.Optional(Type.String({ minLength: 1, pattern: '^[^\\s+]+$' })),
  /**
   * Whether the task bridge asks each tenant's sealer to seal what ingest committed. Off only to
   * measure ingest without sealing (the benchmark): events then stay unsealed (`seq: null`) until a
   * bridge with sealing on sees the tenant's next ingest.
   */
  INTEGRITY_SEALING: Type.Boolean({ default: true }),

  OUTBOX_RELAY_MIN_AGE_MS: PositiveInt(5000),
  OUTBOX_RELAY_INTERVAL_MS: PositiveInt(1000),
  /** Longest wait between two re-publishes of one unstarted task (each waits twice the one before, from the min age). */
  OUTBOX_RELAY_MAX_BACKOFF_MS: PositiveInt(300000),
  SHUTDOWN_GRACE_MS: PositiveInt(10000),
});

export type Env = Static<typeof EnvSchema>;
