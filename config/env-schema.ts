import { Type, type Static } from '@sinclair/typebox';

const Url = Type.String({ minLength: 1, pattern: '^[a-z][a-z0-9+.-]*://' });
const Port = (fallback: number) => Type.Integer({ minimum: 1, maximum: 65535, default: fallback });
const PositiveInt = (fallback: number) => Type.Integer({ minimum: 1, default: fallback });

/** Every environment variable the service reads, with its default. Names are the variable names. */
export const EnvSchema = Type.Object({
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('test'), Type.Literal('production')], { default: 'development' }),
  LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)), { default: 'info' }),
  PORT: Port(3000),
  PUBLIC_URL: Type.Optional(Url),

  DATABASE_URL: Url,
  DATABASE_POOL_SIZE: PositiveInt(20),

  REDIS_URL: Url,

  SQS_ENDPOINT: Type.Optional(Url),
  SQS_REGION: Type.String({ default: 'us-east-1' }),
  SQS_ACCESS_KEY_ID: Type.Optional(Type.String()),
  SQS_SECRET_ACCESS_KEY: Type.Optional(Type.String()),
  SQS_INDEX_QUEUE_URL: Url,
  SQS_ARCHIVE_QUEUE_URL: Url,
  SQS_CLEANUP_QUEUE_URL: Url,

  S3_ENDPOINT: Type.Optional(Url),
  S3_REGION: Type.String({ default: 'us-east-1' }),
  S3_ACCESS_KEY: Type.Optional(Type.String()),
  S3_SECRET_KEY: Type.Optional(Type.String()),
  S3_BUCKET: Type.String({ minLength: 3 }),
  S3_FORCE_PATH_STYLE: Type.Boolean({ default: true }),

  OPENSEARCH_URL: Url,
  OPENSEARCH_INDEX: Type.String({ minLength: 1, pattern: '^[a-z0-9][a-z0-9_-]*$', default: 'audit-logs' }),

  TEMPORAL_ADDRESS: Type.String({ minLength: 1 }),
  TEMPORAL_NAMESPACE: Type.String({ default: 'default' }),
  TEMPORAL_TASK_QUEUE: Type.String({ default: 'audit-log' }),
  TEMPORAL_UI_URL: Type.Optional(Url),

  JWT_ALGORITHM: Type.Union([Type.Literal('HS256'), Type.Literal('RS256')], { default: 'HS256' }),
  JWT_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  JWT_PUBLIC_KEY: Type.Optional(Type.String({ minLength: 1 })),
  JWT_PRIVATE_KEY: Type.Optional(Type.String({ minLength: 1 })),
  JWT_ISSUER: Type.Optional(Type.String({ minLength: 1 })),
  JWT_AUDIENCE: Type.Optional(Type.String({ minLength: 1 })),

  OUTBOX_RELAY_MIN_AGE_MS: PositiveInt(5000),
  OUTBOX_RELAY_INTERVAL_MS: PositiveInt(1000),
  SHUTDOWN_GRACE_MS: PositiveInt(10000),
});

export type Env = Static<typeof EnvSchema>;
