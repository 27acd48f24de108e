import { HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Connection } from '@temporalio/client';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import type { OpenSearchClient } from '../clients/opensearch';
import type { DependencyCheck } from './readiness';

export interface CheckedClients {
  pool: Pool;
  redis: Redis;
  sqs: SQSClient;
  indexQueueUrl: string;
  opensearch: OpenSearchClient;
  s3: S3Client;
  bucket: string;
  temporal: Connection;
}

/**
 * PostgreSQL, Redis and OpenSearch serve requests directly, so the API is unready without them.
 * SQS, S3 and Temporal sit behind the outbox: while one is down ingest still succeeds and work waits.
 */
export function dependencyChecks(clients: CheckedClients): DependencyCheck[] {
  return [
    { name: 'postgres', required: true, check: () => clients.pool.query('SELECT 1') },
    { name: 'redis', required: true, check: () => clients.redis.ping() },
    {
      name: 'opensearch',
      required: true,
      check: async () => {
        const health = await clients.opensearch.cluster.health({ timeout: '1s' });
        if (health.body.status === 'red') throw new Error('cluster status is red');
      },
    },
    { name: 'sqs', required: false, check: () => clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: clients.indexQueueUrl, AttributeNames: ['QueueArn'] })) },
    { name: 's3', required: false, check: () => clients.s3.send(new HeadBucketCommand({ Bucket: clients.bucket })) },
    { name: 'temporal', required: false, check: () => clients.temporal.healthService.check({}) },
  ];
}
