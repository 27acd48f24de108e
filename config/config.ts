import Ajv from 'ajv';
import { EnvSchema, type Env } from './env-schema';

export interface Config {
  readonly env: Env['NODE_ENV'];
  readonly logLevel: Env['LOG_LEVEL'];
  readonly http: { readonly port: number; readonly publicUrl: string | undefined; readonly shutdownGraceMs: number };
  readonly postgres: { readonly url: string; readonly poolSize: number };
  readonly redis: { readonly url: string };
  readonly sqs: {
    readonly endpoint: string | undefined;
    readonly region: string;
    readonly credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
    readonly queueUrls: { readonly index: string; readonly archive: string; readonly cleanup: string };
  };
  readonly s3: {
    readonly endpoint: string | undefined;
    readonly region: string;
    readonly credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
    readonly bucket: string;
    readonly forcePathStyle: boolean;
  };
  readonly opensearch: { readonly url: string; readonly index: string };
  readonly temporal: { readonly address: string; readonly namespace: string; readonly taskQueue: string; readonly uiUrl: string | undefined };
  readonly jwt: {
    readonly algorithm: 'HS256' | 'RS256';
    /** HS256 secret or RS256 public key: what verifies a token. */
    readonly verifyKey: string;
    /** HS256 secret or RS256 private key, when this deployment mints tokens itself. */
    readonly signKey: string | undefined;
    readonly issuer: string | undefined;
    readonly audience: string | undefined;
  };
  readonly outbox: { readonly minAgeMs: number; readonly intervalMs: number };
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
  if (!verifyKey) {
    throw new ConfigError(`invalid configuration: ${env.JWT_ALGORITHM === 'HS256' ? 'JWT_SECRET' : 'JWT_PUBLIC_KEY'} is required when JWT_ALGORITHM=${env.JWT_ALGORITHM}`);
  }
  return Object.freeze({
    env: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    http: { port: env.PORT, publicUrl: env.PUBLIC_URL, shutdownGraceMs: env.SHUTDOWN_GRACE_MS },
    postgres: { url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE },
    redis: { url: env.REDIS_URL },
    sqs: {
      endpoint: env.SQS_ENDPOINT,
      region: env.SQS_REGION,
      credentials: credentials(env.SQS_ACCESS_KEY_ID, env.SQS_SECRET_ACCESS_KEY),
      queueUrls: { index: env.SQS_INDEX_QUEUE_URL, archive: env.SQS_ARCHIVE_QUEUE_URL, cleanup: env.SQS_CLEANUP_QUEUE_URL },
    },
    s3: {
      endpoint: env.S3_ENDPOINT,
      region: env.S3_REGION,
      credentials: credentials(env.S3_ACCESS_KEY, env.S3_SECRET_KEY),
      bucket: env.S3_BUCKET,
      forcePathStyle: env.S3_FORCE_PATH_STYLE,
    },
    opensearch: { url: env.OPENSEARCH_URL, index: env.OPENSEARCH_INDEX },
    temporal: { address: env.TEMPORAL_ADDRESS, namespace: env.TEMPORAL_NAMESPACE, taskQueue: env.TEMPORAL_TASK_QUEUE, uiUrl: env.TEMPORAL_UI_URL },
    jwt: {
      algorithm: env.JWT_ALGORITHM,
      verifyKey,
      signKey: env.JWT_ALGORITHM === 'HS256' ? env.JWT_SECRET : env.JWT_PRIVATE_KEY,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
    },
    outbox: { minAgeMs: env.OUTBOX_RELAY_MIN_AGE_MS, intervalMs: env.OUTBOX_RELAY_INTERVAL_MS },
  });
}
