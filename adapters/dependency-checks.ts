import { HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import type { LeanOpenSearchClient } from './opensearch/lean-opensearch-client';
import type { TemporalHealth } from './temporal/temporal-health';
import type { DependencyCheck } from '../platform/observability/readiness';

export interface CheckedClients {
  pool: Pool;
  redis: Redis;
  sqs: SQSClient;
  indexQueueUrl: string;
  opensearch: LeanOpenSearchClient;
  s3: S3Client;
  bucket: string;
  temporal: Pick<TemporalHealth, 'check'>;
}

/**
 * Only PostgreSQL is required: without it nothing can be accepted. The others degrade a part of the
 * API while ingest goes on (OpenSearch: search and stats answer 503; Redis: the live tail answers
 * 503 and rate limits fall back per replica; SQS, S3, Temporal: work waits in the outbox), and a
 * load balancer that took the API out of rotation for them would stop ingest with them.
 */
export function dependencyChecks(clients: CheckedClients): DependencyCheck[] {
  return [
    { name: 'postgres', required: true, check: () => clients.pool.query('SELECT 1') },
    { name: 'redis', required: false, check: () => clients.redis.ping() },
    {
      name: 'opensearch',
      required: false,
      check: async () => {
        const health = await clients.opensearch.cluster.health({ timeout: '1s' });
        if (health.body.status === 'red') throw new Error('cluster status is red');
      },
    },
    { name: 'sqs', required: false, check: () => clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: clients.indexQueueUrl, AttributeNames: ['QueueArn'] })) },
    { name: 's3', required: false, check: () => clients.s3.send(new HeadBucketCommand({ Bucket: clients.bucket })) },
    { name: 'temporal', required: false, check: () => clients.temporal.check() },
  ];
}
