import { generateKeyPairSync } from 'node:crypto';

/** Every variable the service requires, with valid values: tests of configuration start from it. */
export const complete = {
  DATABASE_URL: 'postgres://app@localhost/db',
  REDIS_URL: 'redis://localhost:6379',
  SQS_INDEX_QUEUE_URL: 'http://localhost:9324/000000000000/index',
  SQS_ARCHIVE_QUEUE_URL: 'http://localhost:9324/000000000000/archive',
  SQS_CLEANUP_QUEUE_URL: 'http://localhost:9324/000000000000/cleanup',
  S3_BUCKET: 'audit-archive',
  OPENSEARCH_URL: 'http://localhost:9200',
  TEMPORAL_ADDRESS: 'localhost:7233',
  JWT_SECRET: 's'.repeat(32),
  CURSOR_SECRET: 'c'.repeat(32),
  INTEGRITY_SIGNING_KEYS: JSON.stringify(generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' })),
};
